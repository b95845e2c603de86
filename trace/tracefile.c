/*
 * The binary trace file (format in tracefile.h). The writer buffers records
 * in memory and writes 64 KiB at a time: a record costs a few stores and no
 * system call. The reader is a straightforward decoder that checks every
 * length against the header, so a corrupt file is an error, not a crash.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace/tracefile.h"

#define MAGIC "VMTRACE1"
#define WBUF (64u << 10)

struct vm_tfw {
    FILE *f;
    unsigned char *buf;
    size_t n;
    uint64_t last_ts;
    uint64_t bytes;
    int failed;
    char path[256];
};

static void wflush(vm_tfw *w)
{
    if (w->n && fwrite(w->buf, 1, w->n, w->f) != w->n) w->failed = 1;
    w->bytes += w->n;
    w->n = 0;
}

static inline void put_varint(vm_tfw *w, uint64_t v)
{
    while (v >= 0x80) {
        w->buf[w->n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    w->buf[w->n++] = (unsigned char)v;
}

static vm_tfw *wopen(const char *path, vm_error *err)
{
    vm_tfw *w = calloc(1, sizeof *w);
    if (!w || !(w->buf = malloc(WBUF))) {
        free(w);
        vm_error_set(err, VM_ENOMEM, "trace file %s: out of memory", path);
        return NULL;
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    if (!(w->f = fopen(path, "wb"))) {
        vm_error_set(err, VM_EIO, "trace file %s: %s", path, strerror(errno));
        free(w->buf);
        free(w);
        return NULL;
    }
    return w;
}

vm_tfw *vm_tfw_open_raw(const char *path, const char *header, size_t len, vm_error *err)
{
    vm_tfw *w = wopen(path, err);
    if (!w) return NULL;
    unsigned char l[4] = {(unsigned char)len, (unsigned char)(len >> 8), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 24)};
    if (fwrite(MAGIC, 1, 8, w->f) != 8 || fwrite(l, 1, 4, w->f) != 4 ||
        fwrite(header, 1, len, w->f) != len)
        w->failed = 1;
    w->bytes = 12 + len;
    return w;
}

static const char *const tname[] = {"u64", "i64", "str"};

vm_tfw *vm_tfw_open(const char *path, const char *clock, const vm_trace_info *events, int nev,
                    vm_error *err)
{
    size_t cap = 4096, n = 0;
    char *h = malloc(cap);
    if (!h) {
        vm_error_set(err, VM_ENOMEM, "trace file %s: out of memory", path);
        return NULL;
    }
    n += (size_t)snprintf(h, cap, "vmtrace 1\nclock %s\n", clock);
    for (int e = 0; e < nev; e++) {
        const vm_trace_info *in = &events[e];
        char line[1024];
        int k = snprintf(line, sizeof line, "event %d %s %d", e, in->name, in->flags);
        for (int i = 0; i < in->nfields; i++)
            k += snprintf(line + k, sizeof line - (size_t)k, " %s:%s", in->fields[i].name,
                          tname[in->fields[i].type]);
        k += snprintf(line + k, sizeof line - (size_t)k, "\n");
        if (n + (size_t)k + 1 > cap) {
            char *nh = realloc(h, cap *= 2);
            if (!nh) {
                free(h);
                vm_error_set(err, VM_ENOMEM, "trace file %s: out of memory", path);
                return NULL;
            }
            h = nh;
        }
        memcpy(h + n, line, (size_t)k + 1);
        n += (size_t)k;
    }
    vm_tfw *w = vm_tfw_open_raw(path, h, n, err);
    free(h);
    return w;
}

void vm_tfw_write(vm_tfw *w, int ev, uint64_t ts, int nf, const vm_trace_field *fields,
                  const vm_trace_val *v)
{
    /* worst case of a record without strings: 1 + 10 + 10 * nf bytes */
    if (w->n + 11 + 10 * (size_t)nf > WBUF) wflush(w);
    w->buf[w->n++] = (unsigned char)ev;
    put_varint(w, ts - w->last_ts);
    w->last_ts = ts;
    for (int i = 0; i < nf; i++) {
        switch (fields[i].type) {
        case VM_TRT_U64: put_varint(w, v[i].u); break;
        case VM_TRT_I64: put_varint(w, ((uint64_t)v[i].i << 1) ^ (uint64_t)(v[i].i >> 63)); break;
        default: {
            const char *s = v[i].s ? v[i].s : "";
            size_t len = strlen(s);
            if (len > 4096) len = 4096;
            if (w->n + 10 + len + 10 * (size_t)(nf - i) > WBUF) wflush(w);
            put_varint(w, len);
            memcpy(w->buf + w->n, s, len);
            w->n += len;
        }
        }
    }
}

uint64_t vm_tfw_bytes(const vm_tfw *w) { return w->bytes + w->n; }

int vm_tfw_close(vm_tfw *w, vm_error *err)
{
    if (!w) return 0;
    wflush(w);
    if (fclose(w->f)) w->failed = 1;
    int rc = w->failed ? vm_error_set(err, VM_EIO, "trace file %s: write failed", w->path) : 0;
    free(w->buf);
    free(w);
    return rc;
}

/* {==== reader ========================================================== */

static int parse_header(vm_tfr *r, vm_error *err)
{
    char *save = NULL, *h = strdup(r->header);
    if (!h) return vm_error_set(err, VM_ENOMEM, "%s: out of memory", r->path);
    int rc = 0, line = 0;
    for (char *l = strtok_r(h, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (line == 1) {
            if (strcmp(l, "vmtrace 1")) {
                rc = vm_error_set(err, VM_EINVAL, "%s: unknown trace version '%s'", r->path, l);
                break;
            }
            continue;
        }
        if (strncmp(l, "event ", 6)) continue; /* clock and later additions */
        int id, flags, pos = 0;
        char name[64];
        if (sscanf(l, "event %d %63s %d%n", &id, name, &flags, &pos) != 3 || id < 0 ||
            id >= VM_TF_MAXEVENTS) {
            rc = vm_error_set(err, VM_EINVAL, "%s: bad header line %d", r->path, line);
            break;
        }
        vm_tf_event *e = &r->ev[id];
        snprintf(e->name, sizeof e->name, "%s", name);
        e->flags = flags;
        e->nfields = 0;
        char *p = l + pos;
        char fld[64];
        int k;
        while (sscanf(p, " %63s%n", fld, &k) == 1) {
            p += k;
            char *colon = strchr(fld, ':');
            if (!colon || e->nfields == VM_TF_MAXFIELDS) {
                rc = vm_error_set(err, VM_EINVAL, "%s: bad field '%s' in header line %d", r->path,
                                  fld, line);
                goto out;
            }
            *colon = 0;
            int t = !strcmp(colon + 1, "u64") ? VM_TRT_U64
                    : !strcmp(colon + 1, "i64") ? VM_TRT_I64
                    : !strcmp(colon + 1, "str") ? VM_TRT_STR : -1;
            if (t < 0) {
                rc = vm_error_set(err, VM_EINVAL, "%s: unknown type '%s' in header line %d",
                                  r->path, colon + 1, line);
                goto out;
            }
            snprintf(e->fnames[e->nfields], sizeof e->fnames[0], "%s", fld);
            e->fields[e->nfields].name = e->fnames[e->nfields];
            e->fields[e->nfields].type = t;
            e->nfields++;
        }
        if (id >= r->nev) r->nev = id + 1;
    }
out:
    free(h);
    return rc;
}

int vm_tfr_open(vm_tfr *r, const char *path, vm_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    if (!(r->f = fopen(path, "rb"))) return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(errno));
    unsigned char hd[12];
    if (fread(hd, 1, 12, r->f) != 12 || memcmp(hd, MAGIC, 8)) {
        vm_tfr_close(r);
        return vm_error_set(err, VM_EINVAL, "%s: not a vmlab trace file", path);
    }
    r->hlen = hd[8] | (size_t)hd[9] << 8 | (size_t)hd[10] << 16 | (size_t)hd[11] << 24;
    if (r->hlen > (16u << 20) || !(r->header = malloc(r->hlen + 1)) ||
        fread(r->header, 1, r->hlen, r->f) != r->hlen) {
        vm_tfr_close(r);
        return vm_error_set(err, VM_EINVAL, "%s: truncated header", path);
    }
    r->header[r->hlen] = 0;
    if (parse_header(r, err)) {
        vm_tfr_close(r);
        return -1;
    }
    return 0;
}

static int get_varint(FILE *f, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        int c = getc(f);
        if (c == EOF) return -1;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

int vm_tfr_next(vm_tfr *r, vm_tf_rec *rec, vm_error *err)
{
    int c = getc(r->f);
    if (c == EOF) return 0;
    const vm_tf_event *e = &r->ev[c];
    uint64_t dt;
    if (c >= r->nev || !e->name[0])
        return vm_error_set(err, VM_EINVAL, "%s: record %llu: unknown event id %d", r->path,
                            (unsigned long long)r->nrec, c);
    if (get_varint(r->f, &dt)) goto trunc;
    r->ts += dt;
    rec->ev = c;
    rec->ts = r->ts;
    size_t soff[VM_TF_MAXFIELDS], sused = 0;
    for (int i = 0; i < e->nfields; i++) {
        uint64_t v;
        if (get_varint(r->f, &v)) goto trunc;
        switch (e->fields[i].type) {
        case VM_TRT_U64: rec->v[i].u = v; break;
        case VM_TRT_I64: rec->v[i].i = (int64_t)(v >> 1) ^ -(int64_t)(v & 1); break;
        default:
            if (v > 4096) goto trunc;
            if (sused + v + 1 > r->scap) {
                size_t nc = (sused + v + 1) * 2;
                char *nb = realloc(r->sbuf, nc);
                if (!nb) return vm_error_set(err, VM_ENOMEM, "%s: out of memory", r->path);
                r->sbuf = nb;
                r->scap = nc;
            }
            if (v && fread(r->sbuf + sused, 1, v, r->f) != v) goto trunc;
            r->sbuf[sused + v] = 0;
            soff[i] = sused;
            sused += v + 1;
        }
    }
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].type == VM_TRT_STR) rec->v[i].s = r->sbuf + soff[i];
    r->nrec++;
    return 1;
trunc:
    return vm_error_set(err, VM_EINVAL, "%s: record %llu (%s) is truncated or malformed", r->path,
                        (unsigned long long)r->nrec, e->name);
}

void vm_tfr_close(vm_tfr *r)
{
    if (r->f) fclose(r->f);
    free(r->header);
    free(r->sbuf);
    r->f = NULL;
    r->header = r->sbuf = NULL;
}
