#define _GNU_SOURCE
#include <sched.h>
#include <trace-cmd.h>
#include <event-parse.h>
