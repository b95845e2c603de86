/*
 * ELF64 symbol-table reader (see elf_symbols.h). The whole file is read once
 * (symbol tables of the guests we run are a few hundred KiB at most); every
 * offset and size is checked against the file size before use, so a corrupt
 * file gives an error, never a crash.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/elf_symbols.h"

static int cmp_sym(const void *a, const void *b)
{
    const vm_elfsym *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* [off, off+len) inside a file of `size` bytes */
static int in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

int vm_elfsyms_read(const char *path, vm_elfsyms *out, vm_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = -1;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) || ftell(f) < 0) {
        vm_error_set(err, VM_EIO, "%s: cannot size the file", path);
        goto cleanup;
    }
    size_t size = (size_t)ftell(f);
    rewind(f);
    if (size < sizeof(Elf64_Ehdr)) {
        vm_error_set(err, VM_ENOEXEC, "%s: not an ELF64 file", path);
        goto cleanup;
    }
    if (!(buf = malloc(size)) || fread(buf, 1, size, f) != size) {
        vm_error_set(err, VM_EIO, "%s: cannot read the file", path);
        goto cleanup;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB) {
        vm_error_set(err, VM_ENOEXEC, "%s: not a little-endian ELF64 file", path);
        goto cleanup;
    }
    out->entry = eh->e_entry;
    out->pie = eh->e_type == ET_DYN;
    if (eh->e_shnum == 0) { rc = 0; goto cleanup; } /* stripped of sections: no symbols */
    if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size) ||
        eh->e_shoff % 8) {
        vm_error_set(err, VM_ENOEXEC, "%s: corrupt section headers", path);
        goto cleanup;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);
    const Elf64_Shdr *tab = NULL;
    for (int pass = 0; pass < 2 && !tab; pass++)
        for (unsigned i = 0; i < eh->e_shnum; i++)
            if (sh[i].sh_type == (pass ? SHT_DYNSYM : SHT_SYMTAB)) { tab = &sh[i]; break; }
    if (!tab) { rc = 0; goto cleanup; }
    if (tab->sh_link >= eh->e_shnum || tab->sh_entsize != sizeof(Elf64_Sym) ||
        !in_file(tab->sh_offset, tab->sh_size, size) || tab->sh_offset % 8 ||
        !in_file(sh[tab->sh_link].sh_offset, sh[tab->sh_link].sh_size, size)) {
        vm_error_set(err, VM_ENOEXEC, "%s: corrupt symbol table", path);
        goto cleanup;
    }
    const Elf64_Sym *syms = (const Elf64_Sym *)(buf + tab->sh_offset);
    size_t nsyms = tab->sh_size / sizeof(Elf64_Sym);
    const char *str = buf + sh[tab->sh_link].sh_offset;
    size_t strsize = sh[tab->sh_link].sh_size;
    /* one copy of the string table keeps every name; NUL-terminate it */
    if (!(out->strings = malloc(strsize + 1)) ||
        !(out->v = calloc(nsyms ? nsyms : 1, sizeof *out->v))) {
        vm_error_set(err, VM_ENOMEM, "%s: out of memory for the symbol table", path);
        goto cleanup;
    }
    memcpy(out->strings, str, strsize);
    out->strings[strsize] = 0;
    for (size_t i = 0; i < nsyms; i++) {
        const Elf64_Sym *s = &syms[i];
        int type = ELF64_ST_TYPE(s->st_info), bind = ELF64_ST_BIND(s->st_info);
        if (s->st_name == 0 || s->st_name >= strsize || s->st_shndx == SHN_UNDEF ||
            type == STT_SECTION || type == STT_FILE)
            continue;
        const char *name = out->strings + s->st_name;
        if (!*name || name[0] == '$') continue; /* RISC-V mapping symbols */
        vm_elfsym *d = &out->v[out->n++];
        d->name = name;
        d->value = s->st_value;
        d->size = s->st_size;
        d->type = type == STT_FUNC ? VM_ELFSYM_FUNC : type == STT_OBJECT ? VM_ELFSYM_OBJECT
                : type == STT_NOTYPE ? VM_ELFSYM_NOTYPE : VM_ELFSYM_OTHER;
        d->global = bind == STB_GLOBAL || bind == STB_WEAK;
    }
    qsort(out->v, out->n, sizeof *out->v, cmp_sym);
    rc = 0;
cleanup:
    if (rc) vm_elfsyms_free(out);
    free(buf);
    fclose(f);
    return rc;
}

void vm_elfsyms_free(vm_elfsyms *s)
{
    free(s->v);
    free(s->strings);
    memset(s, 0, sizeof *s);
}

const vm_elfsym *vm_elfsyms_find(const vm_elfsyms *s, const char *name)
{
    const vm_elfsym *local = NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].name, name)) {
            if (s->v[i].global) return &s->v[i];
            if (!local) local = &s->v[i];
        }
    return local;
}

const vm_elfsym *vm_elfsyms_at(const vm_elfsyms *s, uint64_t addr, uint64_t *off)
{
    size_t lo = 0, hi = s->n; /* first index with value > addr */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].value <= addr) lo = mid + 1;
        else hi = mid;
    }
    /* prefer a sized function or object that contains addr */
    for (size_t i = lo; i-- > 0;) {
        const vm_elfsym *c = &s->v[i];
        if (c->value != s->v[lo - 1].value) break;
        if ((c->type == VM_ELFSYM_FUNC || c->type == VM_ELFSYM_OBJECT) &&
            addr - c->value < (c->size ? c->size : 1)) {
            if (off) *off = addr - c->value;
            return c;
        }
    }
    if (lo == 0) return NULL;
    const vm_elfsym *c = &s->v[lo - 1];
    if (off) *off = addr - c->value;
    return c;
}
