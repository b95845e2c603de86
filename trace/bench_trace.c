/*
 * bench_trace: what tracing costs (a benchmark, not a test; doc/trace.md).
 *
 *   bench_trace micro [N]        ns per emitted event for each backend, the
 *                                event emitted directly N times (default 5e6)
 *   bench_trace guest PROG [ARGS...]
 *                                PROG run with: no tracer; a tracer attached
 *                                with nothing enabled; `insn` to a counting
 *                                callback; `insn` to a trace file; `insn` to
 *                                LTTng (when the provider loads): time, ns per
 *                                event over the untraced run, file bytes/event
 *
 * Times are the best of 3 runs, in process CPU time. Environment: ENGINE
 * (default interp), VMLAB_LTTNG_PROVIDER.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmlab/machine.h"
#include "vmlab/trace.h"

extern char **environ;

/* CPU time of the process, not wall time: the machines this runs on are
 * shared, and time slices given to others must not count. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void count_cb(void *ud, int ev, const vm_trace_val *v) { ++*(uint64_t *)ud; }

enum { B_NONE, B_ATTACHED, B_CALLBACK, B_FILE, B_FILE_COARSE, B_FILE_NONE, B_TEXT, B_LTTNG };
static const char *const bname[] = {"no tracer", "attached, nothing enabled", "callback",
                                    "trace file (clock ns)", "trace file (clock coarse)",
                                    "trace file (clock none)", "text (/dev/null)", "LTTng"};

/* Set up tracer t for backend b on the events in pat; -1 if unavailable. */
static int setup(vm_tracer *t, int b, const char *pat, uint64_t *counter, const char *file,
                 FILE *devnull)
{
    vm_error err;
    switch (b) {
    case B_CALLBACK: return vm_tracer_subscribe(t, pat, count_cb, counter, &err) < 0 ? -1 : 0;
    case B_FILE: case B_FILE_COARSE: case B_FILE_NONE:
        if (vm_tracer_set_clock(t, b == B_FILE ? "ns" : b == B_FILE_COARSE ? "coarse" : "none", &err) ||
            vm_tracer_open_file(t, file, &err))
            return -1;
        return vm_tracer_enable(t, pat, &err);
    case B_TEXT:
        vm_tracer_set_text(t, devnull);
        return vm_tracer_enable(t, pat, &err);
    case B_LTTNG:
        if (vm_tracer_lttng(t, &err)) {
            fprintf(stderr, "  (LTTng: %s)\n", err.msg);
            return -1;
        }
        return vm_tracer_enable(t, pat, &err);
    }
    return 0;
}

static long fsize(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

static int micro(long n)
{
    char file[] = "/tmp/bench-trace-XXXXXX";
    int fd = mkstemp(file);
    if (fd < 0) return 1;
    close(fd);
    FILE *devnull = fopen("/dev/null", "w");
    printf("%-28s %12s %12s %12s\n", "backend", "syscall_exit", "tlb_miss", "bytes/event");
    for (int b = B_ATTACHED; b <= B_LTTNG; b++) {
        double ns[2] = {0, 0};
        long bytes = -1;
        int ok = 1;
        for (int e = 0; e < 2 && ok; e++) {
            double best = 1e9;
            for (int rep = 0; rep < 3 && ok; rep++) {
                vm_error err;
                vm_tracer *t = vm_tracer_new(&err);
                uint64_t cnt = 0;
                const char *pat = e ? "tlb_miss" : "syscall_exit";
                if (b != B_ATTACHED && setup(t, b, pat, &cnt, file, devnull)) ok = 0;
                double t0 = now();
                if (e)
                    for (long i = 0; i < n; i++) VM_TRACE(t, tlb_miss, 0, (uint64_t)i & 0xfffff, 0);
                else
                    for (long i = 0; i < n; i++) VM_TRACE(t, syscall_exit, 64, "write", i & 1023);
                double dt = now() - t0;
                int isfile = b == B_FILE || b == B_FILE_COARSE || b == B_FILE_NONE;
                if (isfile) vm_tracer_close_file(t, NULL);
                if (isfile && e) bytes = fsize(file);
                vm_tracer_free(t);
                if (dt < best) best = dt;
            }
            ns[e] = best / (double)n * 1e9;
        }
        if (!ok) {
            printf("%-28s %12s\n", bname[b], "unavailable");
            continue;
        }
        char bpe[32] = "-";
        if (bytes > 0) snprintf(bpe, sizeof bpe, "%.2f", (double)(bytes - 12) / (double)n);
        printf("%-28s %10.1f ns %10.1f ns %12s\n", bname[b], ns[0], ns[1], bpe);
    }
    fclose(devnull);
    unlink(file);
    return 0;
}

static int guest(int argc, char **argv)
{
    const char *engine = getenv("ENGINE") ? getenv("ENGINE") : "interp";
    char file[] = "/tmp/bench-trace-XXXXXX";
    int fd = mkstemp(file);
    if (fd < 0) return 1;
    close(fd);
    double base = 0;
    uint64_t insns = 0;
    printf("%s under %s\n%-28s %10s %12s %12s\n", argv[0], engine, "backend (insn event)", "time s",
           "ns/event", "bytes/event");
    for (int b = B_NONE; b <= B_LTTNG; b++) {
        if (b == B_TEXT) continue;
        double best = 1e9;
        int ok = 1;
        long bytes = -1;
        for (int rep = 0; rep < 3 && ok; rep++) {
            vm_error err;
            vm_machine *m = vm_machine_new(&(vm_machine_config){.engine = engine, .log = stderr}, &err);
            if (!m || vm_machine_load(m, argv[0], argc, argv, environ, &err)) {
                fprintf(stderr, "bench_trace: %s\n", err.msg);
                return 1;
            }
            vm_tracer *t = NULL;
            uint64_t cnt = 0;
            if (b != B_NONE) {
                t = vm_tracer_new(&err);
                if (b != B_ATTACHED && setup(t, b, "insn", &cnt, file, NULL)) ok = 0;
                vm_machine_set_tracer(m, t);
            }
            FILE *saved = stdout;
            (void)saved;
            vm_run_result r;
            double t0 = now();
            if (ok) vm_machine_run(m, 0, &r);
            double dt = now() - t0;
            insns = vm_machine_insns(m);
            vm_machine_free(m);
            if (t) {
                if (b == B_FILE || b == B_FILE_COARSE || b == B_FILE_NONE) {
                    vm_tracer_close_file(t, NULL);
                    bytes = fsize(file);
                }
                vm_tracer_free(t);
            }
            if (dt < best) best = dt;
        }
        if (!ok) {
            printf("%-28s %10s\n", bname[b], "unavailable");
            continue;
        }
        if (b == B_NONE) base = best;
        char per[32] = "-", bpe[32] = "-";
        if (b >= B_CALLBACK) snprintf(per, sizeof per, "%.1f", (best - base) / (double)insns * 1e9);
        if (bytes > 0) snprintf(bpe, sizeof bpe, "%.2f", (double)bytes / (double)insns);
        printf("%-28s %10.3f %12s %12s\n", bname[b], best, per, bpe);
    }
    printf("(%llu instructions)\n", (unsigned long long)insns);
    unlink(file);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "micro")) return micro(argc > 2 ? atol(argv[2]) : 5000000);
    if (argc >= 3 && !strcmp(argv[1], "guest")) return guest(argc - 2, argv + 2);
    fprintf(stderr, "usage: bench_trace micro [N] | bench_trace guest PROG [ARGS...]\n");
    return 2;
}
