/*
 * vmtrace: read vmlab trace files (vmsh --trace-file=F).
 *
 *   vmtrace events                       the events this vmlab knows
 *   vmtrace summary F                    records, bytes and time per event
 *   vmtrace csv F [-e PAT] [-o OUT]      CSV (named columns for one event)
 *   vmtrace json F [-e PAT] [-o OUT]     JSON lines, one object per record
 *   vmtrace chrome F [-e PAT] [-o OUT]   Chrome trace-event JSON (Perfetto UI,
 *                                        chrome://tracing)
 *   vmtrace filter F -e PAT -o OUT       a trace file with the matching records
 *   vmtrace live PID [-e PAT] [-i SEC] [-n N]   counts per event of a running
 *                                        vmsh --trace-usdt, every SEC (libbpf)
 *
 * Everything is read through the file's own header, so a file written by an
 * older vmlab converts the same way. Times are nanoseconds since the tracer
 * was created (Chrome wants microseconds).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/live.h"
#include "trace/tracefile.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: vmtrace events\n"
               "       vmtrace summary FILE\n"
               "       vmtrace csv|json|chrome FILE [-e PATTERNS] [-o OUT]\n"
               "       vmtrace filter FILE -e PATTERNS -o OUT\n"
               "       vmtrace live PID [-e PATTERNS] [-i SECONDS] [-n ROUNDS] [-v]\n"
               "PATTERNS: comma-separated globs over event names, '-' to exclude\n"
               "          (e.g. 'syscall*,-syscall_exit'); default all.\n");
}

/* Which of the file's events match the patterns. */
static int select_events(const vm_tfr *r, const char *pat, unsigned char *sel)
{
    for (int e = 0; e < r->nev; e++) sel[e] = pat == NULL;
    if (!pat) return 0;
    char *dup = strdup(pat), *save = NULL;
    if (!dup) return -1;
    for (char *p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        int neg = *p == '-';
        const char *g = neg ? p + 1 : p;
        int hit = 0;
        for (int e = 0; e < r->nev; e++)
            if (r->ev[e].name[0] && (!strcmp(g, "all") || !fnmatch(g, r->ev[e].name, 0))) {
                sel[e] = !neg;
                hit = 1;
            }
        if (!hit) {
            fprintf(stderr, "vmtrace: pattern '%s' matches no event of %s\n", g, r->path);
            free(dup);
            return -1;
        }
    }
    free(dup);
    return 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

static void json_fields(FILE *f, const vm_tf_event *e, const vm_tf_rec *rec)
{
    for (int i = 0; i < e->nfields; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_str(f, e->fields[i].name);
        fputs(": ", f);
        switch (e->fields[i].type) {
        case VM_TRT_U64: fprintf(f, "%" PRIu64, rec->v[i].u); break;
        case VM_TRT_I64: fprintf(f, "%" PRId64, rec->v[i].i); break;
        default: json_str(f, rec->v[i].s); break;
        }
    }
}

static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_val(FILE *f, int type, const vm_trace_val *v)
{
    switch (type) {
    case VM_TRT_U64: fprintf(f, "%" PRIu64, v->u); break;
    case VM_TRT_I64: fprintf(f, "%" PRId64, v->i); break;
    default: csv_str(f, v->s); break;
    }
}

enum { OUT_CSV, OUT_JSON, OUT_CHROME, OUT_SUMMARY, OUT_FILTER };

static int convert(int mode, const char *in, const char *pat, const char *out)
{
    vm_error err;
    static vm_tfr r; /* large (the event table); one per run */
    if (vm_tfr_open(&r, in, &err)) {
        fprintf(stderr, "vmtrace: %s\n", err.msg);
        return 1;
    }
    unsigned char sel[VM_TF_MAXEVENTS];
    if (select_events(&r, pat, sel)) {
        vm_tfr_close(&r);
        return 2;
    }
    FILE *f = stdout;
    vm_tfw *w = NULL;
    if (mode == OUT_FILTER) {
        if (!(w = vm_tfw_open_raw(out, r.header, r.hlen, &err))) {
            fprintf(stderr, "vmtrace: %s\n", err.msg);
            vm_tfr_close(&r);
            return 1;
        }
    } else if (out && strcmp(out, "-") && !(f = fopen(out, "w"))) {
        fprintf(stderr, "vmtrace: %s: %s\n", out, strerror(errno));
        vm_tfr_close(&r);
        return 1;
    }
    int single = -1, nsel = 0;
    for (int e = 0; e < r.nev; e++)
        if (sel[e] && r.ev[e].name[0]) {
            single = e;
            nsel++;
        }
    if (mode == OUT_CSV) {
        if (nsel == 1) {
            fprintf(f, "ts_ns,event");
            for (int i = 0; i < r.ev[single].nfields; i++) fprintf(f, ",%s", r.ev[single].fields[i].name);
            fputc('\n', f);
        } else {
            fprintf(f, "ts_ns,event,args\n");
        }
    } else if (mode == OUT_CHROME) {
        fprintf(f, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n");
    }
    uint64_t count[VM_TF_MAXEVENTS] = {0}, first = 0, last = 0, total = 0;
    int nout = 0, rc = 0;
    vm_tf_rec rec;
    for (;;) {
        int k = vm_tfr_next(&r, &rec, &err);
        if (k < 0) {
            fprintf(stderr, "vmtrace: %s\n", err.msg);
            rc = 1;
            break;
        }
        if (!k) break;
        if (!total++) first = rec.ts;
        last = rec.ts;
        if (!sel[rec.ev]) continue;
        const vm_tf_event *e = &r.ev[rec.ev];
        count[rec.ev]++;
        switch (mode) {
        case OUT_FILTER: vm_tfw_write(w, rec.ev, rec.ts, e->nfields, e->fields, rec.v); break;
        case OUT_CSV:
            fprintf(f, "%" PRIu64 ",%s", rec.ts, e->name);
            if (nsel == 1) {
                for (int i = 0; i < e->nfields; i++) {
                    fputc(',', f);
                    csv_val(f, e->fields[i].type, &rec.v[i]);
                }
            } else {
                fputs(",\"", f);
                for (int i = 0; i < e->nfields; i++) {
                    fprintf(f, "%s%s=", i ? " " : "", e->fields[i].name);
                    if (e->fields[i].type == VM_TRT_STR) {
                        for (const char *s = rec.v[i].s; *s; s++) {
                            if (*s == '"') fputc('"', f);
                            fputc(*s, f);
                        }
                    } else {
                        csv_val(f, e->fields[i].type, &rec.v[i]);
                    }
                }
                fputs("\"", f);
            }
            fputc('\n', f);
            break;
        case OUT_JSON:
            fprintf(f, "{\"ts\": %" PRIu64 ", \"event\": ", rec.ts);
            json_str(f, e->name);
            if (e->nfields) fputs(", ", f);
            json_fields(f, e, &rec);
            fputs("}\n", f);
            break;
        case OUT_CHROME: {
            /* spans (BEGIN/END events) as B/E, everything else instants;
             * a span's name is its event name without _start/_enter/_end/_exit */
            char name[64];
            snprintf(name, sizeof name, "%s", e->name);
            const char *ph = "i";
            if (e->flags & (VM_TEVF_BEGIN | VM_TEVF_END)) {
                ph = e->flags & VM_TEVF_BEGIN ? "B" : "E";
                char *u = strrchr(name, '_');
                if (u) *u = 0;
                /* the span is named after its subject when it has one (syscall name, gc kind) */
                for (int i = 0; i < e->nfields; i++)
                    if (e->fields[i].type == VM_TRT_STR) {
                        snprintf(name, sizeof name, "%s", rec.v[i].s);
                        break;
                    }
            }
            fprintf(f, "%s{\"name\": ", nout++ ? ",\n" : "");
            json_str(f, name);
            fprintf(f, ", \"cat\": ");
            json_str(f, e->name);
            fprintf(f, ", \"ph\": \"%s\", \"ts\": %" PRIu64 ".%03u, \"pid\": 1, \"tid\": 1", ph,
                    rec.ts / 1000, (unsigned)(rec.ts % 1000));
            if (*ph == 'i') fputs(", \"s\": \"t\"", f);
            fputs(", \"args\": {", f);
            json_fields(f, e, &rec);
            fputs("}}", f);
            break;
        }
        }
    }
    if (mode == OUT_CHROME) fprintf(f, "\n]}\n");
    if (mode == OUT_SUMMARY) {
        fprintf(f, "%s: %" PRIu64 " records over %.6f s\n", in, total, (double)(last - first) / 1e9);
        fprintf(f, "%-18s %12s\n", "event", "records");
        for (int e = 0; e < r.nev; e++)
            if (count[e]) fprintf(f, "%-18s %12" PRIu64 "\n", r.ev[e].name, count[e]);
    }
    if (w && vm_tfw_close(w, &err)) {
        fprintf(stderr, "vmtrace: %s\n", err.msg);
        rc = 1;
    }
    if (f != stdout && fclose(f)) {
        fprintf(stderr, "vmtrace: %s: %s\n", out, strerror(errno));
        rc = 1;
    }
    vm_tfr_close(&r);
    return rc;
}

static void list_events(void)
{
    static const char *const tn[] = {"u64", "i64", "str"};
    for (int e = 0; e < VM_TEV_COUNT; e++) {
        const vm_trace_info *in = vm_trace_info_of(e);
        printf("%-16s%s", in->name, in->flags & VM_TEVF_FINE ? " (fine)" : "");
        for (int i = 0; i < in->nfields; i++) printf(" %s:%s", in->fields[i].name, tn[in->fields[i].type]);
        printf("\n    %s\n", in->doc);
    }
}

/* vmtrace live PID [-e PAT] [-i SEC] [-n N] [-v] (trace/live.c) */
static int live(int argc, char **argv)
{
    const char *pat = NULL;
    double interval = 1.0;
    long rounds = 0, pid = 0;
    int verbose = 0;
    for (int i = 2; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "-e") && i + 1 < argc) pat = argv[++i];
        else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
            interval = strtod(argv[++i], &end);
            if (*end || !(interval > 0)) {
                fprintf(stderr, "vmtrace live: -i %s: expected a positive number of seconds\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            rounds = strtol(argv[++i], &end, 10);
            if (*end || rounds <= 0) {
                fprintf(stderr, "vmtrace live: -n %s: expected a positive count\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "-v")) verbose = 1;
        else if (!pid && argv[i][0] != '-') {
            pid = strtol(argv[i], &end, 10);
            if (*end || pid <= 0) {
                fprintf(stderr, "vmtrace live: '%s': expected a process id\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "vmtrace live: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!pid) {
        usage(stderr);
        return 2;
    }
#ifdef HAVE_BPF
    return vm_trace_live((int)pid, pat, interval, rounds, verbose);
#else
    (void)pat, (void)interval, (void)rounds, (void)verbose;
    fprintf(stderr, "vmtrace live: not built: vmlab was configured without libbpf and a clang that "
                    "targets BPF (apt-get install libbpf-dev clang, re-run configure; see doc/trace.md)\n");
    return 1;
#endif
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "events")) {
        list_events();
        return 0;
    }
    if (!strcmp(cmd, "live")) return live(argc, argv);
    static const char *const cmds[] = {"csv", "json", "chrome", "summary", "filter"};
    int mode = -1;
    for (int i = 0; i < 5; i++)
        if (!strcmp(cmd, cmds[i])) mode = i;
    if (mode < 0) {
        fprintf(stderr, "vmtrace: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    const char *in = NULL, *pat = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-e") && i + 1 < argc) pat = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "vmtrace: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (!in) in = argv[i];
        else {
            fprintf(stderr, "vmtrace: more than one input file\n");
            return 2;
        }
    }
    if (!in || (mode == OUT_FILTER && !out)) {
        usage(stderr);
        return 2;
    }
    return convert(mode, in, pat, out);
}
