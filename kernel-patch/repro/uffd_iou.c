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
 *   race         the group-exit race: two writes queued, SIGKILL; repeated until a victim survives
 *                its SIGKILL (a worker spins) or the iteration bound is reached
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
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REGION_SIZE (2UL << 20)
#define WRITE_LEN 4096
#define TRACING "/sys/kernel/tracing"

enum scenario { S_THREADEXIT, S_CANCEL, S_RINGCLOSE, S_SIGSTOP, S_WRITESIG, S_KILL9, S_RESOLVED, S_NOUFFD, S_RACE };
static const char *const scenario_names[] = {
	"threadexit", "cancel", "ringclose", "sigstop", "write-signal", "kill9", "resolved", "nouffd", "race",
};

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
} opt = {
	.settle_ms = 300, .hold_ms = 2000, .kill_after_ms = 2000, .resolve_ms = 1000,
	.race_max = 400, .reap_ms = 5000, .stop_ms = -1,
};

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
static int uffd = -1;
static volatile int handler_stop;

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
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (opt.hugetlb ? MAP_HUGETLB : 0);
	region = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (region == MAP_FAILED)
		die(opt.hugetlb ? "mmap MAP_HUGETLB (reserve huge pages: /proc/sys/vm/nr_hugepages)" : "mmap");
	if (!with_uffd) {
		memset(region, 'x', REGION_SIZE);
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
		.range = { .start = (unsigned long)region, .len = REGION_SIZE },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	say("victim: %s buffer %p (%lu KiB) registered with userfaultfd %d, MISSING mode",
	    opt.hugetlb ? "hugetlb" : "anonymous", region, REGION_SIZE >> 10, uffd);
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

static void ring_init(struct io_uring *ring)
{
	int rc = io_uring_queue_init(8, ring, 0);
	if (rc < 0) {
		errno = -rc;
		die("io_uring_queue_init");
	}
}

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
 * Race helper: give the newest io-wq worker (the idle one, created for the queued write) a
 * lower priority, so that at SIGKILL it tends to run after the exiting thread and the stuck
 * worker instead of first.
 */
static void renice_idle_worker(int nice)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int newest = 0;
	while (d && (de = readdir(d))) {
		char path[300], comm[32] = "";
		int tid = atoi(de->d_name);
		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (read(fd, comm, sizeof(comm) - 1) < 0)
			comm[0] = 0;
		close(fd);
		if (!strncmp(comm, "iou-wrk", 7) && tid > newest)
			newest = tid;
	}
	if (d)
		closedir(d);
	if (newest && setpriority(PRIO_PROCESS, newest, nice))
		say("victim: setpriority(%d, %d): %s", newest, nice, strerror(errno));
}

static void victim(void)
{
	pthread_t handler, t;
	struct io_uring ring;
	int with_uffd = opt.scenario != S_NOUFFD;

	setup_region(with_uffd);
	if (with_uffd)
		pthread_create(&handler, NULL, uffd_handler, NULL);

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
	case S_RACE: {
		/*
		 * Everything on CPU 0: the victim's threads and (IORING_REGISTER_IOWQ_AFF) its io-wq
		 * workers. When the stuck worker fails its write after SIGKILL and releases the hash,
		 * the idle worker it wakes can then preempt it (preempt=full) and take the queued write.
		 */
		cpu_set_t cpus;
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus))
			say("victim: sched_setaffinity: %s", strerror(errno));
		ring_init(&ring);
		int arc = io_uring_register_iowq_aff(&ring, sizeof(cpus), &cpus);
		if (arc < 0)
			say("victim: io_uring_register_iowq_aff: %s", strerror(-arc));
		int fd = open_target();
		report("submitter %ld", (long)syscall(SYS_gettid));
		/*
		 * Two writes to the same regular file: io-wq hashes them by inode, so the second one,
		 * submitted once the first is stuck in handle_userfault(), waits in the queue while an
		 * extra worker goes idle. At SIGKILL that idle worker may consume its signal and then run
		 * the queued write on its way out, with no fatal signal left.
		 */
		submit_write(&ring, fd, region, 0, 1);
		sleep_ms(opt.settle_ms);
		submit_write(&ring, fd, region + 8192, 8192, 2);
		sleep_ms(100);
		if (getenv("LAB_RACE_NICE"))
			renice_idle_worker(atoi(getenv("LAB_RACE_NICE")));
		report("ready");
		break;
	}
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

struct verdict { int spinning_tid; char spinning_comm[32]; int cpu_pct; int blocked_d; int threads; };

/* Two samples `ms` apart: a thread in R that used most of the interval is spinning. */
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
		if (pct >= 50 && pct > v.cpu_pct) {
			v.cpu_pct = pct;
			v.spinning_tid = b[i].tid;
			snprintf(v.spinning_comm, sizeof(v.spinning_comm), "%s", b[i].comm);
		}
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
	while (read_report(rfd, line, sizeof(line), (int)deadline_ms)) {
		if (!strncmp(line, "submitter ", 10))
			submitter = atol(line + 10);
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
	}
	stop_tracing_later(trigger_t);

	struct verdict v = { 0 };
	if (!victim_gone)
		v = observe(pid, 1000, 1);
	run_capture(pid);

	int reap_ms = victim_gone ? 0 : kill_and_reap(pid, opt.reap_ms);
	if (reap_ms < 0)
		say("supervisor: victim %d NOT reaped %d ms after SIGKILL (exit blocked)", pid, opt.reap_ms);
	else if (!victim_gone)
		say("supervisor: victim reaped %d ms after the final SIGKILL", reap_ms);
	printf("RESULT scenario=%s trigger=%s victim=%d submitter=%ld spin=%s spin_tid=%d spin_comm=%s cpu=%d%% "
	       "threads_in_D=%d victim_reaped=%s\n",
	       name, trig, pid, submitter, v.spinning_tid ? "yes" : "no", v.spinning_tid,
	       v.spinning_tid ? v.spinning_comm : "-", v.cpu_pct, v.blocked_d,
	       victim_gone ? "yes(SIGKILL trigger)" : reap_ms >= 0 ? "yes" : "no");
	fflush(stdout);
	close(rfd);
	return v.spinning_tid ? 1 : 0;
}

/* The race: SIGKILL a victim with two queued writes; stop at the first victim that survives it. */
static int supervise_race(void)
{
	for (int it = 1; it <= opt.race_max; it++) {
		int rfd;
		char line[128];
		if (opt.clear_each)
			tracing_write("trace", NULL, 1);
		pid_t pid = start_victim(&rfd);
		while (read_report(rfd, line, sizeof(line), 10000) && strcmp(line, "ready"))
			;
		close(rfd);
		double t0 = now();
		kill(pid, SIGKILL);
		int gone = 0;
		while (!(gone = reaped(pid)) && (now() - t0) < 1.0)
			sleep_ms(5);
		if (gone) {
			if (it % 25 == 0)
				say("race: %d iterations, every victim exited on SIGKILL", it);
			continue;
		}
		say("race: iteration %d: victim %d not reaped 1.0 s after SIGKILL", it, pid);
		stop_tracing_later(t0);
		struct verdict v = observe(pid, 1000, 1);
		kill(pid, SIGKILL);
		run_capture(pid);
		int reap_ms = kill_and_reap(pid, opt.reap_ms);
		printf("RESULT scenario=race iterations=%d victim=%d spin=%s spin_tid=%d spin_comm=%s cpu=%d%% "
		       "threads_in_D=%d victim_reaped=%s\n",
		       it, pid, v.spinning_tid ? "yes" : "no", v.spinning_tid, v.spinning_tid ? v.spinning_comm : "-",
		       v.cpu_pct, v.blocked_d, reap_ms >= 0 ? "yes" : "no");
		fflush(stdout);
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
		"                [-k KILL_AFTER_MS] [-r RESOLVE_MS] [-n RACE_MAX] [-R REAP_MS]\n"
		"scenarios: threadexit cancel ringclose sigstop write-signal kill9 resolved nouffd race\n"
		"environment: LAB_STOP_MS=N (tracing_on=0 N ms after the trigger), LAB_CLEAR_EACH=1 (race)\n"
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
	while ((c = getopt(argc, argv, "Hb:f:x:s:w:k:r:n:R:")) != -1) {
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
		default: usage();
		}
	}
	if (getenv("LAB_STOP_MS"))
		opt.stop_ms = atoi(getenv("LAB_STOP_MS"));
	opt.clear_each = getenv("LAB_CLEAR_EACH") && atoi(getenv("LAB_CLEAR_EACH"));
	setvbuf(stdout, NULL, _IOLBF, 0);
	say("supervisor: scenario %s, buffer %s, target %s %s, settle %d ms", argv[1], opt.hugetlb ? "hugetlb 2 MiB" : "anonymous 2 MiB",
	    opt.target_is_file ? "file" : "block device", opt.target, opt.settle_ms);
	return opt.scenario == S_RACE ? supervise_race() : supervise_once(argv[1]);
}
