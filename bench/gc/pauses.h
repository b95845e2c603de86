/*
 * Shared by the baseline programs: timing, peak RSS and (Boehm) pause
 * recording, printed as one JSON line with the fields vmgc --json uses.
 * MMU and percentiles are computed exactly as gc/stats.c does.
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

static uint64_t (*pz)[2];
static size_t npz, capz;
static uint64_t pz_t0, pz_start;

#ifdef USE_BOEHM
static void on_event(GC_EventType e)
{
    if (e == GC_EVENT_START) pz_start = now_ns();
    if (e == GC_EVENT_END) {
        if (npz == capz) {
            capz = capz ? 2 * capz : 1024;
            pz = realloc(pz, capz * sizeof *pz);
        }
        pz[npz][0] = pz_start;
        pz[npz][1] = now_ns();
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

static uint64_t gc_before(uint64_t *pre, uint64_t t)
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

static double mmu(uint64_t *pre, uint64_t t0, uint64_t t1, uint64_t w)
{
    if (t1 <= t0) return 1;
    if (w >= t1 - t0) w = t1 - t0;
    double worst = 1;
    for (size_t i = 0; i < 2 * npz; i++) {
        uint64_t s = i < npz ? pz[i][0] : (pz[i - npz][1] > t0 + w ? pz[i - npz][1] - w : t0);
        if (s + w > t1) s = t1 - w;
        if (s < t0) s = t0;
        double u = 1.0 - (double)(gc_before(pre, s + w) - gc_before(pre, s)) / (double)w;
        if (u < worst) worst = u;
    }
    return worst < 0 ? 0 : worst;
}

static void pauses_report(const char *wl, long check, double w0, double c0)
{
    double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    uint64_t t1 = now_ns();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t *len = calloc(npz + 1, sizeof *len), *pre = calloc(npz + 1, sizeof *pre), sum = 0;
    for (size_t i = 0; i < npz; i++) {
        len[i] = pz[i][1] - pz[i][0];
        pre[i] = sum;
        sum += len[i];
    }
    double m1 = mmu(pre, pz_t0, t1, 1000000), m10 = mmu(pre, pz_t0, t1, 10000000),
           m100 = mmu(pre, pz_t0, t1, 100000000);
    qsort(len, npz, sizeof *len, cmp_u64);
    size_t n = npz ? npz : 1;
    printf("{\"workload\":\"%s\",\"check\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"maxrss_kb\":%ld,"
           "\"stats\":{\"gc_ns\":%llu,\"pauses\":%zu,\"pause_p50_ns\":%llu,\"pause_p95_ns\":%llu,"
           "\"pause_p99_ns\":%llu,\"pause_max_ns\":%llu,\"mmu_1ms\":%.6f,\"mmu_10ms\":%.6f,"
           "\"mmu_100ms\":%.6f,\"heap_peak\":%zu}}\n",
           wl, check, wall, cpu, ru.ru_maxrss, (unsigned long long)sum, npz,
           (unsigned long long)len[(n - 1) * 50 / 100], (unsigned long long)len[(n - 1) * 95 / 100],
           (unsigned long long)len[(n - 1) * 99 / 100], (unsigned long long)len[n - 1], m1, m10, m100,
#ifdef USE_BOEHM
           (size_t)GC_get_heap_size()
#else
           (size_t)0
#endif
    );
    free(len);
    free(pre);
}
