/*
 * The binary trace file: writer (used by the tracer) and reader (vmtrace,
 * tests). Self-describing: the header lists the events with their fields and
 * types, so a reader needs no copy of the event list that wrote the file.
 *
 *   "VMTRACE1"  u32 little-endian header length  header text
 *   header text: "vmtrace 1\nclock CLOCK\n" (ns, coarse or none) then per event:
 *                "event ID NAME FLAGS FIELD:TYPE ...\n"   (TYPE u64, i64, str)
 *   records:     u8 ID, varint time delta (ns since the previous record),
 *                then each field: u64 varint (LEB128), i64 zigzag varint,
 *                str varint length + bytes.
 *
 * Varints make the common record small: an `insn` record is ~10 bytes, a
 * tlb_miss ~8. There is no index and no trailer: a file cut short by a crash
 * reads up to its last complete record.
 */
#ifndef VMLAB_TRACE_TRACEFILE_H
#define VMLAB_TRACE_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmlab/error.h"
#include "vmlab/trace.h"

#define VM_TF_MAXFIELDS 16
#define VM_TF_MAXEVENTS 256

/* ---- writer -------------------------------------------------------------- */

typedef struct vm_tfw vm_tfw;

/* Create `path` and write the header describing `nev` events. */
vm_tfw *vm_tfw_open(const char *path, const char *clock, const vm_trace_info *events, int nev,
                    vm_error *err);
/* The same, with a header text taken verbatim from a reader (vmtrace filter). */
vm_tfw *vm_tfw_open_raw(const char *path, const char *header, size_t len, vm_error *err);
/* Append a record; types[i] is each value's VM_TRT_*. */
void vm_tfw_write(vm_tfw *w, int ev, uint64_t ts, int nf, const vm_trace_field *fields,
                  const vm_trace_val *v);
uint64_t vm_tfw_bytes(const vm_tfw *w);
/* Flush and close; -1 (VM_EIO) if any write failed. */
int vm_tfw_close(vm_tfw *w, vm_error *err);

/* ---- reader -------------------------------------------------------------- */

typedef struct vm_tf_event {
    char name[64];
    int flags;
    int nfields;
    vm_trace_field fields[VM_TF_MAXFIELDS];
    char fnames[VM_TF_MAXFIELDS][64];
} vm_tf_event;

typedef struct vm_tfr {
    FILE *f;
    char *header;   /* the header text as read */
    size_t hlen;
    vm_tf_event ev[VM_TF_MAXEVENTS];
    int nev;        /* highest id + 1 */
    uint64_t ts;    /* time of the last record read */
    uint64_t nrec;
    char *sbuf;     /* strings of the current record */
    size_t scap;
    char path[256];
} vm_tfr;

typedef struct vm_tf_rec {
    int ev;
    uint64_t ts;    /* ns since the first record's clock origin */
    vm_trace_val v[VM_TF_MAXFIELDS];
} vm_tf_rec;

int vm_tfr_open(vm_tfr *r, const char *path, vm_error *err);
/* 1: a record; 0: end of file; -1: malformed (VM_EINVAL, with the offset). */
int vm_tfr_next(vm_tfr *r, vm_tf_rec *rec, vm_error *err);
void vm_tfr_close(vm_tfr *r);

#endif
