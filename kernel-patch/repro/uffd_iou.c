// SPDX-License-Identifier: MIT
/*
 * uffd_iou - reproducer for the io-wq / userfaultfd busy loop, for the iou-analyze kernel lab ONLY.
 *
 * A supervisor forks a *victim* process. The victim maps a buffer (2 MiB MAP_HUGETLB with -H, else
 * anonymous), registers it with userfaultfd in MISSING mode (no UFFD_USER_MODE_ONLY, so kernel-mode
 * faults wait too) and starts a handler thread that reads the fault messages but (except in the
 * `resolved` scenario) never serves them. It then writes from the never-populated buffer, so the writer
 * takes a kernel-mode fault in fault_in_readable() and sleeps in handle_userfault(). A trigger follows:
 *
 *   threadexit   a non-leader thread owns the ring, submits the write (IOSQE_ASYNC) and pthread_exit()s
 *   cancel       IORING_OP_ASYNC_CANCEL of the blocked write
 *   ringclose    the ring is closed (io_uring_queue_exit)
 *   sigstop      the supervisor sends SIGSTOP to the victim
 *   write-signal a plain thread blocked in write(2) gets a handled SIGUSR1 (no io_uring at all)
 *   kill9        healthy control: the supervisor SIGKILLs the whole victim
 *   resolved     healthy control: the handler serves the fault (UFFDIO_COPY) after a delay
 *   nouffd       healthy control: the same io_uring write from an ordinary, populated buffer
 *   race         the seed's whole-process SIGKILL race: an idle bound io-wq worker, an unbound write to
 *                a pipe from the buffer hard-linked to a bound write to a regular file from the same
 *                buffer, SIGKILL of the whole victim; repeated until a victim survives its SIGKILL or
 *                the iteration bound is reached (see victim_race())
 *   busy-uffd-iouring  healthy control: a handler serves every fault at once (UFFDIO_COPY); thousands
 *                of io_uring writes (io-wq workers) each fault one fresh page of the buffer
 *   busy-uffd-write    the same through plain write(2) from several threads
 *   many-workers like threadexit, with MANY_WRITES unbound writes to pipes, one io-wq worker each
 *
 * After the trigger the supervisor (optionally) stops ftrace after LAB_STOP_MS, samples the victim's
 * threads, runs the capture command given with -x (environment: VICTIM_PID, SCENARIO), SIGKILLs
 * the victim and waits for it, with a bound. Every scenario ends on its own and prints what it did;
 * the last line is a `RESULT ...` summary.
 *
 * It refuses to run unless the kernel command line carries `iou_lab=1` (the lab's QEMU guest).
 *
 * Build: gcc -static -O2 -Wall -o uffd_iou uffd_iou.c -luring -lpthread   (liburing 2.3)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REGION_SIZE (2UL << 20)
#define WRITE_LEN 4096
#define TRACING "/sys/kernel/tracing"

enum scenario {
	S_THREADEXIT, S_CANCEL, S_RINGCLOSE, S_SIGSTOP, S_WRITESIG, S_KILL9, S_RESOLVED, S_NOUFFD, S_RACE,
	S_BUSY_IOURING, S_BUSY_WRITE, S_MANY,
};
static const char *const scenario_names[] = {
	"threadexit", "cancel", "ringclose", "sigstop", "write-signal", "kill9", "resolved", "nouffd", "race",
	"busy-uffd-iouring", "busy-uffd-write", "many-workers",
};

#define BUSY_PAGES_DEFAULT 10240  /* busy scenarios: one fault per page, every one served */
#define BUSY_INFLIGHT 16          /* busy-uffd-iouring: writes in flight */
#define BUSY_THREADS 4            /* busy-uffd-write: writing threads */
#define MANY_WRITES 40            /* many-workers: unbound writes, one worker each */

static struct options {
	enum scenario scenario;
	int hugetlb;               /* -H */
	const char *target;        /* -b DEV or -f FILE */
	int target_is_file;
	const char *capture_cmd;   /* -x CMD */
	int settle_ms;             /* -s: time for the worker to fall asleep in handle_userfault */
	int hold_ms;               /* -w: time the victim is kept after the trigger when no -x */
	int kill_after_ms;         /* kill9: delay before SIGKILL */
	int resolve_ms;            /* resolved: delay before the handler serves the fault */
	int race_max;              /* race: iteration bound */
	int reap_ms;               /* bound for waiting on the victim after the final SIGKILL */
	int stop_ms;               /* LAB_STOP_MS: write 0 to tracing_on this long after the trigger; -1 = never */
	int clear_each;            /* LAB_CLEAR_EACH: truncate the trace at each race iteration */
	int race_kill_ms;          /* LAB_RACE_KILL_MS: race, SIGKILL this long after the fault is seen */
	int busy_pages;            /* -p: busy scenarios, faults to take (one page each) */
} opt = {
	.settle_ms = 300, .hold_ms = 2000, .kill_after_ms = 2000, .resolve_ms = 1000,
	.race_max = 400, .reap_ms = 5000, .stop_ms = -1, .race_kill_ms = 20, .busy_pages = BUSY_PAGES_DEFAULT,
};

static int busy(void) { return opt.scenario == S_BUSY_IOURING || opt.scenario == S_BUSY_WRITE; }

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "[uffd_iou %d %.3f] ", getpid(), now());
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
}

static void die(const char *what)
{
	say("FATAL: %s: %s", what, strerror(errno));
	_exit(2);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int lab_guest(void)
{
	char buf[4096] = "";
	int fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (char *tok = strtok(buf, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
		if (!strcmp(tok, "iou_lab=1"))
			return 1;
	return 0;
}

static void tracing_write(const char *file, const char *val, int trunc)
{
	char path[256];
	snprintf(path, sizeof(path), TRACING "/%s", file);
	int fd = open(path, O_WRONLY | (trunc ? O_TRUNC : 0));
	if (fd < 0)
		return;
	if (val && write(fd, val, strlen(val)) < 0)
		say("write %s: %s", path, strerror(errno));
	close(fd);
}

/* ---------------------------------------------------------------- victim ---------------------- */

static int report_fd = -1;  /* victim -> supervisor: one line per event */
static char *region;
static unsigned long region_size = REGION_SIZE;
static int uffd = -1;
static volatile int handler_stop;
static volatile unsigned long faults_served;  /* busy scenarios */

static void report(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	buf[n++] = '\n';
	if (write(report_fd, buf, n) < 0)
		die("report");
}

static void setup_region(int with_uffd)
{
	if (busy()) {
		/* one fresh 4 KiB page per fault: anonymous, whatever -H says */
		opt.hugetlb = 0;
		region_size = (unsigned long)opt.busy_pages * 4096;
	}
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (opt.hugetlb ? MAP_HUGETLB : 0);
	region = mmap(NULL, region_size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (region == MAP_FAILED)
		die(opt.hugetlb ? "mmap MAP_HUGETLB (reserve huge pages: /proc/sys/vm/nr_hugepages)" : "mmap");
	if (!with_uffd) {
		memset(region, 'x', region_size);
		say("victim: %s buffer %p populated, no userfaultfd", opt.hugetlb ? "hugetlb" : "anonymous", region);
		return;
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die("userfaultfd");
	struct uffdio_api api = { .api = UFFD_API, .features = 0 };
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)region, .len = region_size },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	say("victim: %s buffer %p (%lu KiB) registered with userfaultfd %d, MISSING mode",
	    opt.hugetlb ? "hugetlb" : "anonymous", region, region_size >> 10, uffd);
}

/*
 * Busy scenarios: serve every fault as fast as possible, like a post-copy migration or snapshot
 * restore handler. Reads up to 16 messages at a time and UFFDIO_COPYs one 4 KiB page for each;
 * EEXIST (another message for a page already copied) is not an error.
 */
static void *busy_handler(void *arg)
{
	(void)arg;
	char *src = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(src, 'b', 4096);
	unsigned long eexist = 0;
	while (!handler_stop) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		struct uffd_msg msgs[16];
		ssize_t n = read(uffd, msgs, sizeof(msgs));
		if (n <= 0)
			continue;
		for (int i = 0; i < n / (ssize_t)sizeof(*msgs); i++) {
			if (msgs[i].event != UFFD_EVENT_PAGEFAULT)
				continue;
			struct uffdio_copy copy = {
				.dst = msgs[i].arg.pagefault.address & ~4095UL, .src = (unsigned long)src, .len = 4096,
			};
			if (ioctl(uffd, UFFDIO_COPY, &copy) == 0)
				faults_served++;
			else if (errno == EEXIST)
				eexist++;
			else
				say("handler: UFFDIO_COPY at 0x%llx: %s", copy.dst, strerror(errno));
		}
	}
	say("handler: served %lu faults with UFFDIO_COPY (%lu messages for pages already copied)", faults_served,
	    eexist);
	return NULL;
}

/* Reads fault messages; serves them only in the `resolved` scenario. */
static void *uffd_handler(void *arg)
{
	(void)arg;
	while (!handler_stop) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		struct uffd_msg msg;
		if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		unsigned long addr = msg.arg.pagefault.address;
		say("handler: fault at 0x%lx flags 0x%llx%s", addr, (unsigned long long)msg.arg.pagefault.flags,
		    opt.scenario == S_RESOLVED ? "" : " - never served; the handler thread stops reading and exits");
		/*
		 * A task looping on the fault queues a new message at every retry and wakes
		 * pollers each time; a handler that kept reading would add its own churn to
		 * the traces. One message is enough to show the fault arrived.
		 */
		if (opt.scenario == S_RACE)
			report("fault");
		if (opt.scenario != S_RESOLVED)
			return NULL;
		sleep_ms(opt.resolve_ms);
		unsigned long psize = opt.hugetlb ? REGION_SIZE : 4096;
		char *src = mmap(NULL, psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(src, 'r', psize);
		struct uffdio_copy copy = { .dst = addr & ~(psize - 1), .src = (unsigned long)src, .len = psize };
		int rc = ioctl(uffd, UFFDIO_COPY, &copy);
		say("handler: served the fault after %d ms with UFFDIO_COPY of %lu bytes: %s", opt.resolve_ms, psize,
		    rc ? strerror(errno) : "ok");
		report("trigger resolved");
		munmap(src, psize);
	}
	return NULL;
}

static int open_target(void)
{
	int fd = open(opt.target, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die(opt.target);
	return fd;
}

static void ring_init_n(struct io_uring *ring, unsigned entries)
{
	int rc = io_uring_queue_init(entries, ring, 0);
	if (rc < 0) {
		errno = -rc;
		die("io_uring_queue_init");
	}
}

static void ring_init(struct io_uring *ring) { ring_init_n(ring, 8); }

static void submit_write(struct io_uring *ring, int fd, const char *buf, uint64_t off, uint64_t user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	io_uring_prep_write(sqe, fd, buf, WRITE_LEN, off);
	sqe->flags |= IOSQE_ASYNC;
	io_uring_sqe_set_data64(sqe, user_data);
	int rc = io_uring_submit(ring);
	say("victim: tid %ld submitted IORING_OP_WRITE (IOSQE_ASYNC, %d bytes from %p) to %s, user_data %llu: %d",
	    (long)syscall(SYS_gettid), WRITE_LEN, buf, opt.target, (unsigned long long)user_data, rc);
}

static void print_cqes(struct io_uring *ring, int want, int timeout_ms)
{
	for (int i = 0; i < want; i++) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
		int rc = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (rc) {
			say("victim: no completion within %d ms (%s)", timeout_ms, strerror(-rc));
			return;
		}
		say("victim: completion user_data %llu res %d%s%s", (unsigned long long)cqe->user_data, cqe->res,
		    cqe->res < 0 ? " " : "", cqe->res < 0 ? strerror(-cqe->res) : "");
		io_uring_cqe_seen(ring, cqe);
	}
}

static void *threadexit_thread(void *arg)
{
	(void)arg;
	struct io_uring ring;
	ring_init(&ring);
	int fd = open_target();
	report("submitter %ld", (long)syscall(SYS_gettid));
	submit_write(&ring, fd, region, 0, 1);
	sleep_ms(opt.settle_ms);
	say("victim: submitting thread %ld calls pthread_exit() with the write still in flight", (long)syscall(SYS_gettid));
	report("trigger pthread_exit");
	pthread_exit(NULL);
}

static void on_sigusr1(int sig) { (void)sig; }

static void *write_thread(void *arg)
{
	(void)arg;
	int fd = open_target();
	report("submitter %ld", (long)syscall(SYS_gettid));
	say("victim: tid %ld calls write(%s, %p, %d)", (long)syscall(SYS_gettid), opt.target, region, WRITE_LEN);
	ssize_t n = pwrite(fd, region, WRITE_LEN, 0);
	say("victim: write(2) returned %zd%s%s", n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
	return NULL;
}

/*
 * The seed's race (whole-process SIGKILL), by the recipe of issue 11:
 *   1. one completed write to the regular file makes a bound io-wq worker, which then idles;
 *   2. an unbound write (a pipe) from the never-populated buffer, IOSQE_IO_HARDLINK-ed to a bound
 *      write to the regular file (tmpfs) from the same buffer: a second, unbound worker takes the
 *      first and sleeps in handle_userfault(); the linked write waits for it;
 *   3. the supervisor SIGKILLs the whole victim LAB_RACE_KILL_MS after the fault is seen.
 * The window: the unbound write fails (fatal signal), its hard link is queued to the bound list
 * before the exiting thread sets IO_WQ_BIT_EXIT; the idle bound worker consumes its SIGKILL in
 * get_signal(), leaves its loop, and the post-loop `IO_WQ_BIT_EXIT && io_acct_run_queue()` runs the
 * linked write with TIF_NOTIFY_SIGNAL set and no fatal signal left: it faults and retries for ever.
 */
static void victim_race(void)
{
	static char warm[WRITE_LEN];
	struct io_uring ring;
	int pipefd[2];
	ring_init(&ring);
	int fd = open_target();
	if (pipe(pipefd))
		die("pipe");
	report("uffd %d region %lx", uffd, (unsigned long)region);
	memset(warm, 'w', sizeof(warm));
	submit_write(&ring, fd, warm, 0, 1);
	print_cqes(&ring, 1, 5000);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], region, WRITE_LEN, (uint64_t)-1);
	sqe->flags |= IOSQE_ASYNC | IOSQE_IO_HARDLINK;
	io_uring_sqe_set_data64(sqe, 2);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, region, WRITE_LEN, 0);
	io_uring_sqe_set_data64(sqe, 3);
	int rc = io_uring_submit(&ring);
	say("victim: submitted an unbound write to a pipe from %p hard-linked to a bound write to %s: %d", region,
	    opt.target, rc);
	report("submitter %ld", (long)syscall(SYS_gettid));
}

/* busy-uffd-iouring: BUSY_INFLIGHT writes in flight, each from a fresh page of the buffer. */
static void victim_busy_iouring(void)
{
	struct io_uring ring;
	ring_init_n(&ring, 64);
	int fd = open_target();
	report("submitter %ld", (long)syscall(SYS_gettid));
	report("trigger busy-start");
	double t0 = now();
	int next = 0, done = 0, inflight = 0, errors = 0;
	while (done < opt.busy_pages) {
		while (inflight < BUSY_INFLIGHT && next < opt.busy_pages) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_write(sqe, fd, region + (size_t)next * 4096, WRITE_LEN,
					    (uint64_t)(next % 16384) * 4096);
			sqe->flags |= IOSQE_ASYNC;
			io_uring_sqe_set_data64(sqe, next);
			next++;
			inflight++;
		}
		io_uring_submit(&ring);
		struct io_uring_cqe *cqe;
		if (io_uring_wait_cqe(&ring, &cqe))
			die("io_uring_wait_cqe");
		if (cqe->res != WRITE_LEN)
			errors++;
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		done++;
		if (done % 2048 == 0)
			say("victim: %d writes completed", done);
	}
	double dt = now() - t0;
	say("victim: %d io_uring writes completed (%d not %d bytes) in %.1f s, %lu faults served, %.0f faults/s", done,
	    errors, WRITE_LEN, dt, faults_served, faults_served / dt);
	report("done faults=%lu writes=%d seconds=%.1f", faults_served, done, dt);
}

static volatile int busy_next;

static void *busy_write_thread(void *arg)
{
	int fd = *(int *)arg;
	for (;;) {
		int i = __atomic_fetch_add(&busy_next, 1, __ATOMIC_RELAXED);
		if (i >= opt.busy_pages)
			return NULL;
		if (pwrite(fd, region + (size_t)i * 4096, WRITE_LEN, (off_t)(i % 16384) * 4096) != WRITE_LEN)
			say("victim: write(2) of page %d: %s", i, strerror(errno));
	}
}

/* busy-uffd-write: BUSY_THREADS plain threads write(2) from fresh pages of the buffer. */
static void victim_busy_write(void)
{
	pthread_t t[BUSY_THREADS];
	int fd = open_target();
	report("submitter %ld", (long)syscall(SYS_gettid));
	report("trigger busy-start");
	double t0 = now();
	for (int i = 0; i < BUSY_THREADS; i++)
		pthread_create(&t[i], NULL, busy_write_thread, &fd);
	for (int i = 0; i < BUSY_THREADS; i++)
		pthread_join(t[i], NULL);
	double dt = now() - t0;
	say("victim: %d threads wrote %d pages with write(2) in %.1f s, %lu faults served, %.0f faults/s", BUSY_THREADS,
	    opt.busy_pages, dt, faults_served, faults_served / dt);
	report("done faults=%lu writes=%d seconds=%.1f", faults_served, opt.busy_pages, dt);
}

/* Counts the victim's io-wq workers and how many of them are asleep (S or D). */
static void count_workers(int *all, int *asleep)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	*all = *asleep = 0;
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
		if (!lp || !rp || strncmp(lp + 1, "iou-wrk", 7))
			continue;
		(*all)++;
		if (rp[2] == 'S' || rp[2] == 'D')
			(*asleep)++;
	}
	if (d)
		closedir(d);
}

/* many-workers: a thread owns a ring, MANY_WRITES unbound writes to pipes fault, it exits. */
static void *many_workers_thread(void *arg)
{
	(void)arg;
	struct io_uring ring;
	ring_init_n(&ring, 64);
	report("submitter %ld", (long)syscall(SYS_gettid));
	for (int i = 0; i < MANY_WRITES; i++) {
		int p[2];
		if (pipe(p))
			die("pipe");
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		/* distinct 4 KiB pages (all in the one huge page with -H) */
		io_uring_prep_write(sqe, p[1], region + (size_t)i * 4096, WRITE_LEN, (uint64_t)-1);
		sqe->flags |= IOSQE_ASYNC;
		io_uring_sqe_set_data64(sqe, i + 1);
	}
	int rc = io_uring_submit(&ring);
	say("victim: tid %ld submitted %d unbound writes (IOSQE_ASYNC) to %d pipes from %p..: %d",
	    (long)syscall(SYS_gettid), MANY_WRITES, MANY_WRITES, region, rc);
	int all = 0, asleep = 0;
	for (int waited = 0; waited < opt.settle_ms + 10000; waited += 100) {
		count_workers(&all, &asleep);
		if (asleep >= MANY_WRITES && waited >= opt.settle_ms)
			break;
		sleep_ms(100);
	}
	say("victim: %d io-wq workers, %d asleep; thread %ld calls pthread_exit() with every write in flight", all,
	    asleep, (long)syscall(SYS_gettid));
	report("trigger pthread_exit workers=%d", asleep);
	pthread_exit(NULL);
}

static void victim(void)
{
	pthread_t handler, t;
	struct io_uring ring;
	int with_uffd = opt.scenario != S_NOUFFD;

	setup_region(with_uffd);
	if (with_uffd)
		pthread_create(&handler, NULL, busy() ? busy_handler : uffd_handler, NULL);

	switch (opt.scenario) {
	case S_THREADEXIT:
		pthread_create(&t, NULL, threadexit_thread, NULL);
		pthread_join(t, NULL);
		say("victim: submitting thread joined (its exit completed)");
		break;
	case S_WRITESIG: {
		struct sigaction sa = { .sa_handler = on_sigusr1 };
		sigaction(SIGUSR1, &sa, NULL);
		pthread_create(&t, NULL, write_thread, NULL);
		sleep_ms(opt.settle_ms);
		say("victim: pthread_kill(SIGUSR1) to the writing thread (handler installed, non-fatal)");
		pthread_kill(t, SIGUSR1);
		report("trigger SIGUSR1");
		pthread_join(t, NULL);
		break;
	}
	case S_CANCEL:
	case S_RINGCLOSE:
	case S_SIGSTOP:
	case S_KILL9:
	case S_RESOLVED:
	case S_NOUFFD: {
		ring_init(&ring);
		int fd = open_target();
		report("submitter %ld", (long)syscall(SYS_gettid));
		submit_write(&ring, fd, region, 0, 1);
		if (opt.scenario == S_RESOLVED || opt.scenario == S_NOUFFD) {
			if (opt.scenario == S_NOUFFD)
				report("trigger none");
			print_cqes(&ring, 1, 10000);
			report("done");
			break;
		}
		sleep_ms(opt.settle_ms);
		if (opt.scenario == S_CANCEL) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			io_uring_prep_cancel64(sqe, 1, 0);
			io_uring_sqe_set_data64(sqe, 2);
			say("victim: submitting IORING_OP_ASYNC_CANCEL for user_data 1: %d", io_uring_submit(&ring));
			report("trigger async-cancel");
			print_cqes(&ring, 2, 2000);
		} else if (opt.scenario == S_RINGCLOSE) {
			say("victim: closing the ring (io_uring_queue_exit) with the write still in flight");
			io_uring_queue_exit(&ring);
			report("trigger ring-close");
		} else {
			report("ready"); /* sigstop, kill9: the supervisor triggers */
		}
		break;
	}
	case S_RACE:
		victim_race();
		break;
	case S_BUSY_IOURING:
		victim_busy_iouring();
		break;
	case S_BUSY_WRITE:
		victim_busy_write();
		break;
	case S_MANY:
		pthread_create(&t, NULL, many_workers_thread, NULL);
		pthread_join(t, NULL);
		say("victim: submitting thread joined (its exit completed)");
		break;
	}
	for (;;)
		pause(); /* the supervisor ends the victim */
}

/* ---------------------------------------------------------------- supervisor ------------------ */

struct thread_sample { int tid; char comm[32]; char state; unsigned long ticks; };

static int sample_threads(pid_t pid, struct thread_sample *out, int max)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		char sp[320], buf[1024];
		snprintf(sp, sizeof(sp), "/proc/%d/task/%s/stat", pid, de->d_name);
		int fd = open(sp, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = 0;
		char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
		if (!lp || !rp)
			continue;
		struct thread_sample *s = &out[n++];
		s->tid = atoi(buf);
		snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(rp - lp - 1), lp + 1);
		s->state = rp[2];
		unsigned long utime = 0, stime = 0;
		/* fields after ')': 3 state ... 14 utime 15 stime */
		sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
		s->ticks = utime + stime;
	}
	closedir(d);
	return n;
}

struct verdict { int spinning_tid; char spinning_comm[32]; int cpu_pct; int cpu_total; int blocked_d; int threads; };

/*
 * Two samples `ms` apart: a thread in R that used most of the interval is spinning; so are the
 * threads of a victim that together use more than one CPU (many-workers: 40 workers share 2 CPUs).
 */
static struct verdict observe(pid_t pid, int ms, int print)
{
	struct thread_sample a[64], b[64];
	struct verdict v = { 0 };
	int na = sample_threads(pid, a, 64);
	double t0 = now();
	sleep_ms(ms);
	int nb = sample_threads(pid, b, 64);
	double dt = now() - t0;
	long hz = sysconf(_SC_CLK_TCK);
	int busiest = -1, busiest_pct = 0;
	v.threads = nb;
	for (int i = 0; i < nb; i++) {
		unsigned long before = b[i].ticks;
		for (int j = 0; j < na; j++)
			if (a[j].tid == b[i].tid)
				before = a[j].ticks;
		int pct = (int)((b[i].ticks - before) * 100.0 / (hz * dt) + 0.5);
		if (print)
			say("supervisor: thread %d %-16s state %c cpu %3d%% over %.1f s", b[i].tid, b[i].comm, b[i].state, pct, dt);
		if (b[i].state == 'D')
			v.blocked_d++;
		v.cpu_total += pct;
		if (busiest < 0 || pct > busiest_pct) {
			busiest = i;
			busiest_pct = pct;
		}
		if (pct >= 50 && pct > v.cpu_pct) {
			v.cpu_pct = pct;
			v.spinning_tid = b[i].tid;
			snprintf(v.spinning_comm, sizeof(v.spinning_comm), "%s", b[i].comm);
		}
	}
	if (!v.spinning_tid && v.cpu_total >= 100 && busiest >= 0) {
		/* no single thread above half a CPU: name the busiest one, report the total */
		v.spinning_tid = b[busiest].tid;
		snprintf(v.spinning_comm, sizeof(v.spinning_comm), "%s", b[busiest].comm);
		v.cpu_pct = v.cpu_total;
	}
	return v;
}

static int reaped(pid_t pid)
{
	int status;
	return waitpid(pid, &status, WNOHANG) == pid;
}

/* SIGKILL and wait up to `ms`; returns the time it took or -1. */
static int kill_and_reap(pid_t pid, int ms)
{
	double t0 = now();
	kill(pid, SIGKILL);
	while ((now() - t0) * 1000 < ms) {
		if (reaped(pid))
			return (int)((now() - t0) * 1000);
		sleep_ms(10);
	}
	return -1;
}

/* Reads one line from the victim's report pipe; returns 0 at EOF/timeout. */
static int read_report(int fd, char *line, int max, int timeout_ms)
{
	int n = 0;
	double t0 = now();
	while (n < max - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = timeout_ms - (int)((now() - t0) * 1000);
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return 0;
		if (read(fd, line + n, 1) != 1)
			return 0;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	return 1;
}

static pid_t start_victim(int *rfd)
{
	int p[2];
	if (pipe(p))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		victim();
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static void run_capture(pid_t pid)
{
	if (!opt.capture_cmd) {
		sleep_ms(opt.hold_ms);
		return;
	}
	char env[32];
	snprintf(env, sizeof(env), "%d", pid);
	setenv("VICTIM_PID", env, 1);
	setenv("SCENARIO", scenario_names[opt.scenario], 1);
	say("supervisor: running capture command: %s", opt.capture_cmd);
	int rc = system(opt.capture_cmd);
	say("supervisor: capture command finished (status %d)", rc);
}

static void stop_tracing_later(double trigger_t)
{
	if (opt.stop_ms < 0)
		return;
	int left = opt.stop_ms - (int)((now() - trigger_t) * 1000);
	if (left > 0)
		sleep_ms(left);
	tracing_write("tracing_on", "0", 0);
	say("supervisor: tracing_on=0 (%d ms after the trigger)", opt.stop_ms);
}

static int supervise_once(const char *name)
{
	int rfd;
	char line[128], trig[128] = "?";
	long submitter = 0;
	pid_t pid = start_victim(&rfd);
	say("supervisor: scenario %s, victim pid %d", name, pid);

	double deadline_ms = opt.settle_ms + opt.resolve_ms + 15000;
	double trigger_t = 0;
	int workers = -1;
	char faults[64] = "-";
	while (read_report(rfd, line, sizeof(line), (int)deadline_ms)) {
		if (!strncmp(line, "submitter ", 10))
			submitter = atol(line + 10);
		if (strstr(line, "workers="))
			workers = atoi(strstr(line, "workers=") + 8);
		if (!strcmp(line, "ready")) {
			if (opt.scenario == S_SIGSTOP) {
				say("supervisor: kill(%d, SIGSTOP)", pid);
				kill(pid, SIGSTOP);
				snprintf(trig, sizeof(trig), "SIGSTOP");
			} else if (opt.scenario == S_KILL9) {
				sleep_ms(opt.kill_after_ms - opt.settle_ms);
				say("supervisor: kill(%d, SIGKILL) (whole process)", pid);
				kill(pid, SIGKILL);
				snprintf(trig, sizeof(trig), "SIGKILL");
			}
			trigger_t = now();
			break;
		}
		if (!strncmp(line, "trigger ", 8)) {
			snprintf(trig, sizeof(trig), "%s", line + 8);
			trigger_t = now();
			break;
		}
	}
	if (!trigger_t) {
		say("supervisor: the victim never reached its trigger");
		trigger_t = now();
	}
	say("supervisor: trigger (%s) at %.3f, submitter tid %ld", trig, trigger_t, submitter);

	int victim_gone = 0;
	if (opt.scenario == S_KILL9) {
		for (int i = 0; i < 300 && !(victim_gone = reaped(pid)); i++)
			sleep_ms(10);
		say("supervisor: victim %s %.0f ms after SIGKILL", victim_gone ? "reaped" : "NOT reaped",
		    (now() - trigger_t) * 1000);
	} else if (opt.scenario == S_RESOLVED || opt.scenario == S_NOUFFD) {
		read_report(rfd, line, sizeof(line), 12000); /* "done": the write completed */
	} else if (busy()) {
		/* the capture command (perf, stacks) runs while the handler serves faults */
		if (opt.capture_cmd)
			run_capture(pid);
		if (read_report(rfd, line, sizeof(line), 600000) && !strncmp(line, "done faults=", 12))
			snprintf(faults, sizeof(faults), "%lu", strtoul(line + 12, NULL, 10));
		say("supervisor: busy workload finished %.1f s after its start: %s", now() - trigger_t, line);
	}
	stop_tracing_later(trigger_t);

	struct verdict v = { 0 };
	if (!victim_gone)
		v = observe(pid, 1000, 1);
	if (!busy())
		run_capture(pid);

	int reap_ms = victim_gone ? 0 : kill_and_reap(pid, opt.reap_ms);
	if (reap_ms < 0)
		say("supervisor: victim %d NOT reaped %d ms after SIGKILL (exit blocked)", pid, opt.reap_ms);
	else if (!victim_gone)
		say("supervisor: victim reaped %d ms after the final SIGKILL", reap_ms);
	char extra[96] = "";
	if (busy())
		snprintf(extra, sizeof(extra), " faults_served=%s", faults);
	if (workers >= 0)
		snprintf(extra, sizeof(extra), " workers_asleep_at_trigger=%d", workers);
	printf("RESULT scenario=%s trigger=%s victim=%d submitter=%ld spin=%s spin_tid=%d spin_comm=%s cpu=%d%% "
	       "cpu_all_threads=%d%% threads_in_D=%d victim_reaped=%s%s\n",
	       name, trig, pid, submitter, v.spinning_tid ? "yes" : "no", v.spinning_tid,
	       v.spinning_tid ? v.spinning_comm : "-", v.cpu_pct, v.cpu_total, v.blocked_d,
	       victim_gone ? "yes(SIGKILL trigger)" : reap_ms >= 0 ? "yes" : "no", extra);
	fflush(stdout);
	close(rfd);
	return v.spinning_tid ? 1 : 0;
}

/*
 * After the captures of a victim that survived its SIGKILL: serve the fault it waits for through a
 * duplicate of its userfaultfd (taken with pidfd_getfd() before the SIGKILL), so that the stuck
 * worker completes its write and the victim can be reaped instead of spinning until power-off.
 */
static void serve_victim_fault(int dup_uffd, unsigned long addr)
{
	if (dup_uffd < 0 || !addr)
		return;
	unsigned long psize = opt.hugetlb ? REGION_SIZE : 4096;
	char *src = mmap(NULL, psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(src, 's', psize);
	struct uffdio_copy copy = { .dst = addr, .src = (unsigned long)src, .len = psize };
	int rc = ioctl(dup_uffd, UFFDIO_COPY, &copy);
	say("supervisor: served the victim's fault at 0x%lx (UFFDIO_COPY of %lu bytes through its userfaultfd): %s",
	    addr, psize, rc ? strerror(errno) : "ok");
	munmap(src, psize);
}

/* The race: SIGKILL the whole victim; stop at the first victim that survives it. */
static int supervise_race(void)
{
	for (int it = 1; it <= opt.race_max; it++) {
		int rfd, vfd = -1, dup_uffd = -1;
		unsigned long addr = 0;
		char line[128];
		if (opt.clear_each)
			tracing_write("trace", NULL, 1);
		pid_t pid = start_victim(&rfd);
		while (read_report(rfd, line, sizeof(line), 10000) && strcmp(line, "fault"))
			if (sscanf(line, "uffd %d region %lx", &vfd, &addr) == 2) {
				int pidfd = syscall(SYS_pidfd_open, pid, 0);
				dup_uffd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, vfd, 0);
				if (pidfd >= 0)
					close(pidfd);
				if (dup_uffd < 0 && it == 1)
					say("supervisor: pidfd_getfd of the victim's userfaultfd: %s", strerror(errno));
			}
		close(rfd);
		sleep_ms(opt.race_kill_ms);
		double t0 = now();
		kill(pid, SIGKILL);
		int gone = 0;
		while (!(gone = reaped(pid)) && (now() - t0) < 1.0)
			sleep_ms(5);
		if (gone) {
			if (dup_uffd >= 0)
				close(dup_uffd);
			if (it % 25 == 0)
				say("race: %d iterations, every victim exited on SIGKILL", it);
			continue;
		}
		say("race: iteration %d: victim %d not reaped 1.0 s after SIGKILL", it, pid);
		stop_tracing_later(t0);
		struct verdict v = observe(pid, 1000, 1);
		kill(pid, SIGKILL);
		run_capture(pid);
		serve_victim_fault(dup_uffd, addr);
		int reap_ms = kill_and_reap(pid, opt.reap_ms);
		say("supervisor: victim %s", reap_ms >= 0 ? "reaped after its fault was served" : "NOT reaped");
		printf("RESULT scenario=race iterations=%d victim=%d spin=%s spin_tid=%d spin_comm=%s cpu=%d%% "
		       "threads_in_D=%d victim_reaped=%s\n",
		       it, pid, v.spinning_tid ? "yes" : "no", v.spinning_tid, v.spinning_tid ? v.spinning_comm : "-",
		       v.cpu_pct, v.blocked_d, reap_ms >= 0 ? "yes(fault served)" : "no");
		fflush(stdout);
		if (dup_uffd >= 0)
			close(dup_uffd);
		return v.spinning_tid ? 1 : 0;
	}
	printf("RESULT scenario=race iterations=%d spin=no victim_reaped=yes (bound reached, no victim survived SIGKILL)\n",
	       opt.race_max);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: uffd_iou SCENARIO [-H] [-b BLOCKDEV | -f FILE] [-x CAPTURE_CMD] [-s SETTLE_MS] [-w HOLD_MS]\n"
		"                [-k KILL_AFTER_MS] [-r RESOLVE_MS] [-n RACE_MAX] [-R REAP_MS] [-p BUSY_PAGES]\n"
		"scenarios: threadexit cancel ringclose sigstop write-signal kill9 resolved nouffd race\n"
		"           busy-uffd-iouring busy-uffd-write many-workers\n"
		"environment: LAB_STOP_MS=N (tracing_on=0 N ms after the trigger), LAB_CLEAR_EACH=1 (race),\n"
		"             LAB_RACE_KILL_MS=N (race: SIGKILL N ms after the fault is seen, default 20)\n"
		"Runs only in the lab guest (kernel command line with iou_lab=1).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	int found = 0;
	for (unsigned i = 0; i < sizeof(scenario_names) / sizeof(*scenario_names); i++)
		if (!strcmp(argv[1], scenario_names[i])) {
			opt.scenario = i;
			found = 1;
		}
	if (!found)
		usage();
	if (!lab_guest()) {
		fprintf(stderr, "uffd_iou: refusing to run: the kernel command line has no iou_lab=1 "
				"(this reproducer hangs kernel threads; run it only in the lab's QEMU guest)\n");
		return 3;
	}
	opt.target = "/dev/ram0";
	int c;
	optind = 2;
	while ((c = getopt(argc, argv, "Hb:f:x:s:w:k:r:n:R:p:")) != -1) {
		switch (c) {
		case 'H': opt.hugetlb = 1; break;
		case 'b': opt.target = optarg; opt.target_is_file = 0; break;
		case 'f': opt.target = optarg; opt.target_is_file = 1; break;
		case 'x': opt.capture_cmd = optarg; break;
		case 's': opt.settle_ms = atoi(optarg); break;
		case 'w': opt.hold_ms = atoi(optarg); break;
		case 'k': opt.kill_after_ms = atoi(optarg); break;
		case 'r': opt.resolve_ms = atoi(optarg); break;
		case 'n': opt.race_max = atoi(optarg); break;
		case 'R': opt.reap_ms = atoi(optarg); break;
		case 'p': opt.busy_pages = atoi(optarg); break;
		default: usage();
		}
	}
	if (getenv("LAB_STOP_MS"))
		opt.stop_ms = atoi(getenv("LAB_STOP_MS"));
	opt.clear_each = getenv("LAB_CLEAR_EACH") && atoi(getenv("LAB_CLEAR_EACH"));
	if (getenv("LAB_RACE_KILL_MS"))
		opt.race_kill_ms = atoi(getenv("LAB_RACE_KILL_MS"));
	setvbuf(stdout, NULL, _IOLBF, 0);
	say("supervisor: scenario %s, buffer %s, target %s %s, settle %d ms", argv[1], opt.hugetlb ? "hugetlb 2 MiB" : "anonymous 2 MiB",
	    opt.target_is_file ? "file" : "block device", opt.target, opt.settle_ms);
	return opt.scenario == S_RACE ? supervise_race() : supervise_once(argv[1]);
}
