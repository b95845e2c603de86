/*
 * vmgc: run one workload under one collector and print the metrics.
 *
 *   vmgc [options] bintree|gcbench|synth|replay:FILE
 *
 * It is the unit of the benchmark matrix (bench/gc/run runs it once per
 * cell and run), so it reports everything on one line with --json: the heap's
 * stats plus wall time, process CPU time and peak RSS.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vmlab/gc.h"

static void usage(FILE *f)
{
    fputs("usage: vmgc [options] bintree|gcbench|synth|replay:FILE\n"
          "  -c, --collector NAME   marksweep semispace generational incremental adaptive\n"
          "  -m, --max-heap SIZE    heap limit (K, M, G suffixes); 0 = none\n"
          "  -g, --growth F         collect at live*F (default 2); 0 = fixed heap of max-heap\n"
          "  -d, --depth N          tree depth (bintree 16, gcbench 16)\n"
          "      --nursery SIZE     generational eden (default max-heap/4, or 4M)\n"
          "      --promote-age N    generational promotion age (default 2)\n"
          "      --step-us N        incremental step time budget (default 500)\n"
          "      --step-ratio R     incremental start headroom factor (default 1.5)\n"
          "      --marking satb|iu  incremental barrier: snapshot at the beginning (default)\n"
          "                         or incremental update\n"
          "      --pause-target-us N  adaptive pause goal\n"
          "      --ops N --seed N --regs N --max-refs N --mean-bytes N --mutate P --long-lived P\n"
          "                         synthetic mutator parameters\n"
          "      --record FILE      record the synthetic run as an allocation trace\n"
          "      --verify --stress  check the heap after every collection; collect at every "
          "allocation\n"
          "      --measure-live     print the peak live bytes (marksweep, growth 1.1) and exit\n"
          "      --json             one JSON object instead of the table\n"
          "      --trace MS         print every pause of at least MS milliseconds to stderr\n",
          f);
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    switch (*end) {
    case 'k':
    case 'K':
        v *= 1024;
        end++;
        break;
    case 'm':
    case 'M':
        v *= 1024 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        v *= 1024.0 * 1024 * 1024;
        end++;
        break;
    }
    if (*end) return -1;
    *out = (size_t)v;
    return 0;
}

/* --trace: print each pause (and phase) with its length in wall-clock and
 * thread CPU time and its time since the first event, to stderr */
typedef struct tracer {
    uint64_t start, cpu, t0;
    double min_ms;
    const char *phase, *from; /* the phase now, and when the pause began */
} tracer;

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_event(void *ud, const vm_gc_event *ev)
{
    tracer *t = ud;
    if (!t->t0) t->t0 = ev->t_ns;
    if (ev->kind == VM_GC_EV_START) {
        t->start = ev->t_ns;
        t->cpu = thread_cpu_ns();
        t->from = t->phase;
    }
    /* the phase a pause worked in, and the one it left the heap in if it
     * changed (a step that started or ended a marking) */
    if (ev->kind == VM_GC_EV_END && (ev->t_ns - t->start) * 1e-6 >= t->min_ms)
        fprintf(stderr, "gc %-7s %9.3f ms (cpu %7.3f)  at %9.3f ms  heap %zu  [%s%s%s]\n",
                ev->what, (ev->t_ns - t->start) * 1e-6, (thread_cpu_ns() - t->cpu) * 1e-6,
                (t->start - t->t0) * 1e-6, ev->heap, t->from ? t->from : "-",
                t->from != t->phase ? " -> " : "", t->from != t->phase ? t->phase : "");
    if (ev->kind == VM_GC_EV_PHASE) {
        t->phase = ev->what;
        if (t->min_ms == 0)
            fprintf(stderr, "gc   phase %-7s at %9.3f ms  heap %zu\n", ev->what,
                    (ev->t_ns - t->t0) * 1e-6, ev->heap);
    }
}

/* Peak RSS of this process image in KiB. Not getrusage: its ru_maxrss keeps
 * the high-water mark of the process before exec (a Python driver's, say). */
static long peak_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum {
    O_NURSERY = 256,
    O_AGE,
    O_STEP,
    O_RATIO,
    O_MARKING,
    O_TARGET,
    O_OPS,
    O_SEED,
    O_REGS,
    O_MAXREFS,
    O_MEANB,
    O_MUTATE,
    O_LONG,
    O_RECORD,
    O_VERIFY,
    O_STRESS,
    O_LIVE,
    O_JSON,
    O_TRACE
};

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"collector", 1, 0, 'c'},
        {"max-heap", 1, 0, 'm'},
        {"growth", 1, 0, 'g'},
        {"depth", 1, 0, 'd'},
        {"nursery", 1, 0, O_NURSERY},
        {"promote-age", 1, 0, O_AGE},
        {"step-us", 1, 0, O_STEP},
        {"step-ratio", 1, 0, O_RATIO},
        {"marking", 1, 0, O_MARKING},
        {"pause-target-us", 1, 0, O_TARGET},
        {"ops", 1, 0, O_OPS},
        {"seed", 1, 0, O_SEED},
        {"regs", 1, 0, O_REGS},
        {"max-refs", 1, 0, O_MAXREFS},
        {"mean-bytes", 1, 0, O_MEANB},
        {"mutate", 1, 0, O_MUTATE},
        {"long-lived", 1, 0, O_LONG},
        {"record", 1, 0, O_RECORD},
        {"verify", 0, 0, O_VERIFY},
        {"stress", 0, 0, O_STRESS},
        {"measure-live", 0, 0, O_LIVE},
        {"json", 0, 0, O_JSON},
        {"trace", 1, 0, O_TRACE},
        {"help", 0, 0, 'h'},
        {0, 0, 0, 0},
    };
    vm_gc_config cfg;
    vm_gc_config_init(&cfg);
    vm_gc_synth syn;
    vm_gc_synth_init(&syn);
    int depth = 16, json = 0, live = 0, c;
    const char *record = NULL;
    tracer tr = {0, 0, 0, -1, NULL, NULL};
    while ((c = getopt_long(argc, argv, "c:m:g:d:h", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'c': bad = (cfg.collector = vm_gc_kind_parse(optarg)) < 0; break;
        case 'm': bad = parse_size(optarg, &cfg.max_heap); break;
        case 'g': cfg.growth = atof(optarg); break;
        case 'd': depth = atoi(optarg); break;
        case O_NURSERY: bad = parse_size(optarg, &cfg.nursery); break;
        case O_AGE: cfg.promote_age = (unsigned)atoi(optarg); break;
        case O_STEP: cfg.step_ns = (uint64_t)(atof(optarg) * 1000); break;
        case O_RATIO: cfg.step_ratio = atof(optarg); break;
        case O_MARKING: bad = (cfg.marking = vm_gc_marking_parse(optarg)) < 0; break;
        case O_TARGET: cfg.pause_target_ns = (uint64_t)(atof(optarg) * 1000); break;
        case O_OPS: syn.ops = strtoull(optarg, NULL, 0); break;
        case O_SEED: syn.seed = strtoull(optarg, NULL, 0); break;
        case O_REGS: syn.regs = (unsigned)atoi(optarg); break;
        case O_MAXREFS: syn.max_refs = (unsigned)atoi(optarg); break;
        case O_MEANB: syn.mean_bytes = (unsigned)atoi(optarg); break;
        case O_MUTATE: syn.mutate = atof(optarg); break;
        case O_LONG: syn.long_lived = atof(optarg); break;
        case O_RECORD: record = optarg; break;
        case O_VERIFY: cfg.flags |= VM_GC_VERIFY; break;
        case O_STRESS: cfg.flags |= VM_GC_STRESS; break;
        case O_LIVE: live = 1; break;
        case O_JSON: json = 1; break;
        case O_TRACE: tr.min_ms = atof(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (bad) {
            fprintf(stderr, "vmgc: bad option value: %s\n", optarg);
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *wl = argv[optind];
    if (live) {
        cfg.collector = VM_GC_MARKSWEEP;
        cfg.growth = 1.1;
        cfg.max_heap = 0;
    }
    vm_error err = {0};
    vm_gc_heap *h = vm_gc_heap_new(&cfg, &err);
    if (!h) {
        fprintf(stderr, "vmgc: %s\n", err.msg);
        return 1;
    }
    if (tr.min_ms >= 0) vm_gc_set_trace(h, on_event, &tr);
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    long check = 0;
    int rc;
    if (strcmp(wl, "bintree") == 0)
        rc = vm_gc_run_bintree(h, depth, &check, &err);
    else if (strcmp(wl, "gcbench") == 0)
        rc = vm_gc_run_gcbench(h, depth, &check, &err);
    else if (strcmp(wl, "synth") == 0)
        rc = vm_gc_run_synth(h, &syn, record, &check, &err);
    else if (strncmp(wl, "replay:", 7) == 0)
        rc = vm_gc_replay(h, wl + 7, &check, &err);
    else {
        fprintf(stderr, "vmgc: unknown workload %s\n", wl);
        vm_gc_heap_free(h);
        return 2;
    }
    double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    vm_gc_stats st;
    vm_gc_stats_get(h, &st);
    long rss = peak_rss_kb();
    if (rc < 0) {
        if (json)
            printf("{\"workload\":\"%s\",\"error\":\"%s\",\"oom\":%d}\n", wl, err.msg,
                   err.code == VM_ENOMEM);
        else
            fprintf(stderr, "vmgc: %s\n", err.msg);
        vm_gc_heap_free(h);
        return err.code == VM_ENOMEM ? 3 : 1;
    }
    if (live) {
        printf("%zu\n", st.live_peak);
    } else if (json) {
        printf("{\"workload\":\"%s\",\"check\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"maxrss_kb\":%"
               "ld,\"stats\":",
               wl, check, wall, cpu, rss);
        vm_gc_stats_json(&st, stdout);
        puts("}");
    } else {
        printf("workload          %s (check %ld)\nwall / cpu        %.3f s / %.3f s, peak RSS %ld "
               "KiB\n",
               wl, check, wall, cpu, rss);
        vm_gc_stats_print(&st, stdout);
    }
    vm_gc_heap_free(h);
    return 0;
}
