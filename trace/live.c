/*
 * vmtrace live PID: attach to a running vmsh's USDT probes (vmlab:EVENT,
 * sys/sdt.h, see doc/trace.md) with libbpf and print the counts per event
 * every interval, then the totals when the process ends (or on Ctrl-C).
 *
 * One BPF program (trace/live.bpf.c, compiled with clang -target bpf at
 * build time and embedded here as trace/live_bpf.h) is attached to each
 * wanted probe with the event id as its USDT cookie; it counts into an array
 * map indexed by event id. The probes only fire for the events the vmsh's
 * tracer has enabled: run it with --trace-usdt (every event that is not
 * fine-grained) or --trace=PATTERNS --trace-usdt.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/live.h"
#include "trace/live_bpf.h"
#include "vmlab/trace.h"

static volatile sig_atomic_t stop_now;
static void on_signal(int sig)
{
    (void)sig;
    stop_now = 1;
}

static int verbose;
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level == LIBBPF_DEBUG && !verbose) return 0;
    return vfprintf(stderr, fmt, ap);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int alive(int pid)
{
    return kill(pid, 0) == 0 || errno == EPERM;
}

int vm_trace_live(int pid, const char *pat, double interval, long rounds, int verb)
{
    verbose = verb;
    vm_error err;
    uint64_t mask;
    if (vm_trace_parse(pat ? pat : "all", &mask, &err)) {
        fprintf(stderr, "vmtrace live: %s\n", err.msg);
        return 2;
    }
    char link[64], exe[PATH_MAX];
    snprintf(link, sizeof link, "/proc/%d/exe", pid);
    ssize_t k = readlink(link, exe, sizeof exe - 1);
    if (k < 0) {
        fprintf(stderr, "vmtrace live: pid %d: %s\n", pid, strerror(errno));
        return 1;
    }
    exe[k] = 0;
    libbpf_set_print(print_libbpf);
    LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "vmlab_live");
    struct bpf_object *obj = bpf_object__open_mem(vm_live_bpf, sizeof vm_live_bpf, &oo);
    struct bpf_link *links[VM_TEV_COUNT] = {0};
    int rc = 1, nlinks = 0;
    if (!obj) {
        fprintf(stderr, "vmtrace live: opening the BPF object: %s\n", strerror(errno));
        return 1;
    }
    if (bpf_object__load(obj)) {
        fprintf(stderr,
                "vmtrace live: loading the BPF program: %s (BPF not permitted here? needs root "
                "or CAP_BPF+CAP_PERFMON)\n",
                strerror(errno));
        goto out;
    }
    struct bpf_program *prog = bpf_object__find_program_by_name(obj, "vmlab_count");
    int fd = bpf_object__find_map_fd_by_name(obj, "counts");
    if (!prog || fd < 0) {
        fprintf(stderr, "vmtrace live: the embedded BPF object lacks vmlab_count or counts\n");
        goto out;
    }
    for (int e = 0; e < VM_TEV_COUNT; e++) {
        if (!((mask >> e) & 1)) continue;
        const char *name = vm_trace_info_of(e)->name;
        LIBBPF_OPTS(bpf_usdt_opts, uo, .usdt_cookie = (uint64_t)e);
        links[e] = bpf_program__attach_usdt(prog, pid, exe, "vmlab", name, &uo);
        if (!links[e]) {
            fprintf(stderr, "vmtrace live: attaching to USDT probe vmlab:%s in %s (pid %d): %s%s\n",
                    name, exe, pid, strerror(errno),
                    errno == ENOENT ? " (not a vmsh built with USDT probes?)" : "");
            goto out;
        }
        nlinks++;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    fprintf(stderr,
            "vmtrace live: attached to %d probes of pid %d (%s); every %g s until it exits\n",
            nlinks, pid, exe, interval);
    uint64_t prev[VM_TEV_COUNT] = {0}, cur[VM_TEV_COUNT] = {0};
    double t0 = now_s();
    for (long r = 0; !stop_now && (rounds <= 0 || r < rounds); r++) {
        double until = t0 + interval * (double)(r + 1);
        int gone = 0;
        while (!stop_now && now_s() < until) {
            if (!alive(pid)) {
                gone = 1;
                break;
            }
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        double dt = now_s() - t0 - interval * (double)r;
        printf("--- %.1f s\n", now_s() - t0);
        for (int e = 0; e < VM_TEV_COUNT; e++) {
            if (!links[e]) continue;
            uint32_t key = (uint32_t)e;
            if (bpf_map_lookup_elem(fd, &key, &cur[e])) cur[e] = prev[e];
            if (cur[e] != prev[e])
                printf("%-16s %14llu %12.0f/s\n", vm_trace_info_of(e)->name,
                       (unsigned long long)cur[e], dt > 0 ? (double)(cur[e] - prev[e]) / dt : 0.0);
            prev[e] = cur[e];
        }
        fflush(stdout);
        if (gone) break;
    }
    printf("=== totals (pid %d, %.1f s)\n", pid, now_s() - t0);
    for (int e = 0; e < VM_TEV_COUNT; e++)
        if (links[e])
            printf("total %s %llu\n", vm_trace_info_of(e)->name, (unsigned long long)cur[e]);
    rc = 0;
out:
    for (int e = 0; e < VM_TEV_COUNT; e++) bpf_link__destroy(links[e]);
    bpf_object__close(obj);
    return rc;
}
