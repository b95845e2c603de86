/* Function symbols of an ELF64 little-endian file (see symbols.h). Every
 * offset and size is checked against the file's size before use. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/symbols.h"

static int read_file(const char *path, unsigned char **buf, size_t *len, vm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (n < cap) break;
        unsigned char *nb = realloc(b, cap *= 2);
        if (!nb) {
            free(b);
            b = NULL;
        } else {
            b = nb;
        }
    }
    fclose(f);
    if (!b) return vm_error_set(err, VM_ENOMEM, "%s: out of memory", path);
    *buf = b;
    *len = n;
    return 0;
}

int vm_tsyms_entry(const char *path, uint64_t *entry, int *pie, vm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(errno));
    Elf64_Ehdr eh;
    int ok = fread(&eh, sizeof eh, 1, f) == 1 && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
             eh.e_ident[EI_CLASS] == ELFCLASS64;
    fclose(f);
    if (!ok) return vm_error_set(err, VM_ENOEXEC, "%s: not an ELF64 file", path);
    *entry = eh.e_entry;
    *pie = eh.e_type == ET_DYN;
    return 0;
}

static int cmp_sym(const void *a, const void *b)
{
    const vm_tsym *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : strcmp(x->name, y->name);
}

int vm_tsyms_read(const char *path, uint64_t bias, vm_tsyms *s, vm_error *err)
{
    memset(s, 0, sizeof *s);
    unsigned char *b = NULL;
    size_t len = 0;
    if (read_file(path, &b, &len, err)) return -1;
    int rc = 0;
    Elf64_Ehdr eh;
    if (len < sizeof eh) goto bad;
    memcpy(&eh, b, sizeof eh);
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shoff > len ||
        (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) > len - eh.e_shoff)
        goto bad;
    s->entry = eh.e_entry;
    s->pie = eh.e_type == ET_DYN;
    const Elf64_Shdr *sh = NULL;
    Elf64_Shdr shv[2];
    for (int want = SHT_SYMTAB; want && !sh; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0)
        for (unsigned i = 0; i < eh.e_shnum; i++) {
            memcpy(&shv[0], b + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof shv[0]);
            if (shv[0].sh_type == (unsigned)want && shv[0].sh_link < eh.e_shnum) {
                memcpy(&shv[1], b + eh.e_shoff + shv[0].sh_link * sizeof(Elf64_Shdr), sizeof shv[1]);
                sh = shv;
                break;
            }
        }
    if (!sh) goto out; /* stripped: no symbols, not an error */
    if (sh[0].sh_offset > len || sh[0].sh_size > len - sh[0].sh_offset || sh[1].sh_offset > len ||
        sh[1].sh_size > len - sh[1].sh_offset)
        goto bad;
    size_t nsym = sh[0].sh_size / sizeof(Elf64_Sym);
    s->v = calloc(nsym ? nsym : 1, sizeof *s->v);
    s->names = malloc(sh[1].sh_size + 1);
    if (!s->v || !s->names) {
        rc = vm_error_set(err, VM_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    memcpy(s->names, b + sh[1].sh_offset, sh[1].sh_size);
    s->names[sh[1].sh_size] = 0;
    for (size_t i = 0; i < nsym; i++) {
        Elf64_Sym sy;
        memcpy(&sy, b + sh[0].sh_offset + i * sizeof sy, sizeof sy);
        if (ELF64_ST_TYPE(sy.st_info) != STT_FUNC || !sy.st_value || sy.st_shndx == SHN_UNDEF ||
            sy.st_name >= sh[1].sh_size)
            continue;
        s->v[s->n++] = (vm_tsym){sy.st_value + bias, sy.st_value + bias + (sy.st_size ? sy.st_size : 1),
                                 s->names + sy.st_name};
    }
    qsort(s->v, s->n, sizeof *s->v, cmp_sym);
    goto out;
bad:
    rc = vm_error_set(err, VM_ENOEXEC, "%s: not a well-formed ELF64 file", path);
out:
    free(b);
    if (rc) vm_tsyms_free(s);
    return rc;
}

void vm_tsyms_free(vm_tsyms *s)
{
    free(s->v);
    free(s->names);
    memset(s, 0, sizeof *s);
}

long vm_tsyms_find(const vm_tsyms *s, uint64_t addr)
{
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
