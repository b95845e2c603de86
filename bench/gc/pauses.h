/*
 * Shared by the baseline programs: timing, peak RSS and (Boehm) pause
 * recording, printed as one JSON line with the fields vmgc --json uses.
 * A Boehm pause is a stopped-world interval, GC_EVENT_PRE_STOP_WORLD to
 * GC_EVENT_POST_START_WORLD (both fire in default and incremental mode, also
 * single-threaded); its thread CPU time is recorded too. MMU and
 * percentiles are computed exactly as gc/stats.c does.
 */
#include <stdint.h>

static double now_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static __attribute__((unused)) uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t (*pz)[3]; /* start, end, cpu */
static size_t npz, capz __attribute__((unused));
static uint64_t pz_t0, pz_start __attribute__((unused)), pz_cpu __attribute__((unused));

#ifdef USE_BOEHM
static void on_event(GC_EventType e)
{
    if (e == GC_EVENT_PRE_STOP_WORLD) {
        pz_start = now_ns();
        pz_cpu = cpu_ns();
    }
    if (e == GC_EVENT_POST_START_WORLD) {
        if (npz == capz) {
            capz = capz ? 2 * capz : 1024;
            pz = realloc(pz, capz * sizeof *pz);
            if (!pz) exit(3);
        }
        pz[npz][0] = pz_start;
        pz[npz][1] = now_ns();
        pz[npz][2] = cpu_ns() - pz_cpu;
        npz++;
    }
}
#endif

static void pauses_init(void)
{
    pz_t0 = now_ns();
#ifdef USE_BOEHM
    GC_INIT();
    if (getenv("GC_INCREMENTAL")) {
        const char *t = getenv("GC_PAUSE_TIME_TARGET");
        GC_enable_incremental();
        GC_set_time_limit(t ? atoi(t) : 5);
    }
    GC_set_on_collection_event(on_event);
#endif
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t gc_before(uint64_t (*pz)[3], uint64_t *pre, uint64_t t)
{
    size_t lo = 0, hi = npz;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pz[mid][0] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return 0;
    uint64_t *q = pz[lo - 1];
    return pre[lo - 1] + ((t < q[1] ? t : q[1]) - q[0]);
}

static double mmu(uint64_t (*pz)[3], uint64_t *pre, uint64_t t0, uint64_t t1, uint64_t w)
{
    if (t1 <= t0) return 1;
    if (w >= t1 - t0) w = t1 - t0;
    double worst = 1;
    for (size_t i = 0; i < 2 * npz; i++) {
        uint64_t s = i < npz ? pz[i][0] : (pz[i - npz][1] > t0 + w ? pz[i - npz][1] - w : t0);
        if (s + w > t1) s = t1 - w;
        if (s < t0) s = t0;
        double u = 1.0 - (double)(gc_before(pz, pre, s + w) - gc_before(pz, pre, s)) / (double)w;
        if (u < worst) worst = u;
    }
    return worst < 0 ? 0 : worst;
}

/* Peak RSS of this image: VmHWM, since ru_maxrss survives exec. */
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

static void pauses_report(const char *wl, long check, double w0, double c0)
{
    double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    uint64_t t1 = now_ns();
    long rss = peak_rss_kb();
    size_t n = npz ? npz : 1;
    uint64_t *len = calloc(n, sizeof *len), *clen = calloc(n, sizeof *clen);
    uint64_t *pre = calloc(n, sizeof *pre), (*cz)[3] = calloc(n, sizeof *cz), sum = 0;
    double m[6];
    for (size_t i = 0; i < npz; i++) {
        len[i] = pz[i][1] - pz[i][0];
        clen[i] = pz[i][2] < len[i] ? pz[i][2] : len[i];
        pre[i] = sum;
        sum += len[i];
    }
    m[0] = mmu(pz, pre, pz_t0, t1, 1000000);
    m[1] = mmu(pz, pre, pz_t0, t1, 10000000);
    m[2] = mmu(pz, pre, pz_t0, t1, 100000000);
    uint64_t csum = 0;
    for (size_t i = 0; i < npz; i++) {
        cz[i][0] = pz[i][0];
        cz[i][1] = pz[i][0] + clen[i];
        pre[i] = csum;
        csum += clen[i];
    }
    m[3] = mmu(cz, pre, pz_t0, t1, 1000000);
    m[4] = mmu(cz, pre, pz_t0, t1, 10000000);
    m[5] = mmu(cz, pre, pz_t0, t1, 100000000);
    qsort(len, npz, sizeof *len, cmp_u64);
    qsort(clen, npz, sizeof *clen, cmp_u64);
    size_t heap = 0;
#ifdef USE_BOEHM
    heap = GC_get_heap_size();
#endif
    printf("{\"workload\":\"%s\",\"check\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"maxrss_kb\":%ld,"
           "\"stats\":{\"gc_ns\":%llu,\"pauses\":%zu,\"pause_p50\":%llu,\"pause_p95\":%llu,"
           "\"pause_p99\":%llu,\"pause_max\":%llu,\"pause_cpu_p99\":%llu,\"pause_cpu_max\":%llu,"
           "\"mmu_1ms\":%.6g,\"mmu_10ms\":%.6g,\"mmu_100ms\":%.6g,\"mmu_cpu_1ms\":%.6g,"
           "\"mmu_cpu_10ms\":%.6g,\"mmu_cpu_100ms\":%.6g,\"heap_peak\":%zu}}\n",
           wl, check, wall, cpu, rss, (unsigned long long)sum, npz,
           (unsigned long long)len[(n - 1) * 50 / 100], (unsigned long long)len[(n - 1) * 95 / 100],
           (unsigned long long)len[(n - 1) * 99 / 100], (unsigned long long)len[n - 1],
           (unsigned long long)clen[(n - 1) * 99 / 100], (unsigned long long)clen[n - 1], m[0],
           m[1], m[2], m[3], m[4], m[5], heap);
    free(len);
    free(clen);
    free(pre);
    free(cz);
}
