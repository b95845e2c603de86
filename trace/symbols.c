/* The profiler's function index (see symbols.h) over core/elf_symbols.c's
 * reading of the file. */
#include <stdlib.h>
#include <string.h>

#include "trace/symbols.h"

int vm_tsyms_read(const char *path, vm_tsyms *s, vm_error *err)
{
    memset(s, 0, sizeof *s);
    if (vm_elfsyms_read(path, &s->elf, err)) return -1;
    s->v = calloc(s->elf.n ? s->elf.n : 1, sizeof *s->v);
    if (!s->v) {
        vm_elfsyms_free(&s->elf);
        return vm_error_set(err, VM_ENOMEM, "%s: out of memory for the function index", path);
    }
    /* elf.v is sorted by value, then name: so is the index */
    for (size_t i = 0; i < s->elf.n; i++) {
        const vm_elfsym *e = &s->elf.v[i];
        if (e->type != VM_ELFSYM_FUNC || !e->value) continue;
        s->v[s->n++] = (vm_tsym){e->value, e->value + (e->size ? e->size : 1), e->name};
    }
    return 0;
}

void vm_tsyms_free(vm_tsyms *s)
{
    free(s->v);
    vm_elfsyms_free(&s->elf);
    memset(s, 0, sizeof *s);
}

long vm_tsyms_find(const vm_tsyms *s, uint64_t addr)
{
    addr -= s->bias;
    size_t lo = 0, hi = s->n;
    while (lo < hi) { /* first symbol with lo > addr */
        size_t mid = (lo + hi) / 2;
        if (s->v[mid].lo <= addr) lo = mid + 1;
        else hi = mid;
    }
    /* aliases share an address: any of them containing addr */
    for (size_t i = lo; i-- > 0 && s->v[i].lo + (1u << 20) > addr;)
        if (addr < s->v[i].hi) return (long)i;
    return -1;
}
