/*
 * ELF64 loader for riscv64 Linux programs: static (ET_EXEC), static-pie and
 * dynamic (ET_DYN, PT_INTERP) executables, and the initial process stack as
 * the kernel builds it (argc, argv, envp, auxv).
 *
 * Every field of the file is checked before it is used: a truncated or
 * corrupt file, a foreign machine or class, a segment outside the user
 * address space or an entry point outside every segment is an error that
 * names the file and the reason. Segments are copied into fresh anonymous
 * guest pages (the interpreter maps libraries itself with mmap).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/machine_priv.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

typedef struct loaded {
    uint64_t base;      /* load bias (0 for ET_EXEC) */
    uint64_t entry;     /* biased entry point */
    uint64_t phdr;      /* guest address of the program headers */
    uint16_t phnum;
    uint64_t end;       /* highest biased address of any segment */
    char interp[PATH_MAX];
} loaded;

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_PPC64: return "ppc64";
    case EM_S390: return "s390";
    case EM_MIPS: return "mips";
    default: return NULL;
    }
}

static int read_file(const char *path, unsigned char **data, size_t *size, vm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st)) {
        int e = errno;
        close(fd);
        return vm_error_set(err, VM_EIO, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return vm_error_set(err, VM_ENOEXEC, "%s: is a directory", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return vm_error_set(err, VM_ENOEXEC, "%s: not a regular file", path);
    }
    if (st.st_size > (1ll << 32)) {
        close(fd);
        return vm_error_set(err, VM_ENOEXEC, "%s: too large for an ELF program (%lld bytes)",
                            path, (long long)st.st_size);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) {
        close(fd);
        return vm_error_set(err, VM_ENOMEM, "%s: out of memory reading it", path);
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int e = r < 0 ? errno : EIO;
            free(buf);
            close(fd);
            return vm_error_set(err, VM_EIO, "%s: read: %s", path, strerror(e));
        }
        got += (size_t)r;
    }
    close(fd);
    *data = buf;
    *size = n;
    return 0;
}

/* Check the ELF header and program headers; never trusts a field unchecked. */
static int validate(const char *path, const unsigned char *d, size_t n, vm_error *err)
{
    if (n < 4 || memcmp(d, ELFMAG, SELFMAG))
        return vm_error_set(err, VM_ENOEXEC, "%s: not an ELF file", path);
    if (n < EI_NIDENT)
        return vm_error_set(err, VM_ENOEXEC, "%s: truncated ELF header", path);
    if (d[EI_CLASS] == ELFCLASS32) {
        const Elf32_Ehdr *e32 = (const void *)d;
        const char *mn = n >= sizeof *e32 ? machine_name(e32->e_machine) : NULL;
        return vm_error_set(err, VM_ENOEXEC, "%s: 32-bit ELF%s%s; vmlab runs riscv64 (ELF64) programs",
                            path, mn ? " for " : "", mn ? mn : "");
    }
    if (d[EI_CLASS] != ELFCLASS64)
        return vm_error_set(err, VM_ENOEXEC, "%s: bad ELF class %u", path, d[EI_CLASS]);
    if (d[EI_DATA] != ELFDATA2LSB)
        return vm_error_set(err, VM_ENOEXEC, "%s: big-endian ELF; riscv64 is little-endian", path);
    if (n < sizeof(Elf64_Ehdr))
        return vm_error_set(err, VM_ENOEXEC, "%s: truncated ELF header (%zu bytes)", path, n);
    const Elf64_Ehdr *eh = (const void *)d;
    if (eh->e_machine != EM_RISCV) {
        const char *mn = machine_name(eh->e_machine);
        if (mn)
            return vm_error_set(err, VM_ENOEXEC, "%s: %s program, not riscv64", path, mn);
        return vm_error_set(err, VM_ENOEXEC, "%s: ELF machine %u, not riscv64 (243)", path,
                            eh->e_machine);
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return vm_error_set(err, VM_ENOEXEC, "%s: ELF type %u is not an executable", path,
                            eh->e_type);
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return vm_error_set(err, VM_ENOEXEC, "%s: corrupt program headers (entry size %u)", path,
                            eh->e_phentsize);
    if (eh->e_phnum == 0 || eh->e_phnum > 512)
        return vm_error_set(err, VM_ENOEXEC, "%s: corrupt program headers (%u entries)", path,
                            eh->e_phnum);
    if (eh->e_phoff % 8)
        return vm_error_set(err, VM_ENOEXEC, "%s: corrupt program headers (misaligned offset 0x%llx)",
                            path, (unsigned long long)eh->e_phoff);
    if (eh->e_phoff > n || (n - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
        return vm_error_set(err, VM_ENOEXEC, "%s: program headers lie outside the file (truncated?)",
                            path);
    const Elf64_Phdr *ph = (const void *)(d + eh->e_phoff);
    int loads = 0, entry_ok = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type == PT_INTERP) {
            if (p->p_offset > n || p->p_filesz > n - p->p_offset || p->p_filesz < 2 ||
                p->p_filesz >= PATH_MAX || d[p->p_offset + p->p_filesz - 1] != 0)
                return vm_error_set(err, VM_ENOEXEC, "%s: corrupt PT_INTERP", path);
        }
        if (p->p_type != PT_LOAD) continue;
        loads++;
        if (p->p_offset > n || p->p_filesz > n - p->p_offset)
            return vm_error_set(err, VM_ENOEXEC,
                                "%s: segment %d lies outside the file (truncated?)", path, i);
        if (p->p_filesz > p->p_memsz)
            return vm_error_set(err, VM_ENOEXEC, "%s: segment %d: file size exceeds memory size",
                                path, i);
        if (p->p_memsz > VM_VA_LIMIT || p->p_vaddr > VM_VA_LIMIT - p->p_memsz)
            return vm_error_set(err, VM_ENOEXEC,
                                "%s: segment %d at 0x%llx+0x%llx is outside the user address space",
                                path, i, (unsigned long long)p->p_vaddr,
                                (unsigned long long)p->p_memsz);
        if (p->p_align > 1 && (p->p_vaddr - p->p_offset) % VM_PAGE_SIZE)
            return vm_error_set(err, VM_ENOEXEC, "%s: segment %d is not page-aligned in the file",
                                path, i);
        if ((p->p_flags & PF_X) && eh->e_entry >= p->p_vaddr &&
            eh->e_entry - p->p_vaddr < p->p_memsz)
            entry_ok = 1;
    }
    if (!loads) return vm_error_set(err, VM_ENOEXEC, "%s: no loadable segment", path);
    if (!entry_ok)
        return vm_error_set(err, VM_ENOEXEC,
                            "%s: entry point 0x%llx is outside every executable segment", path,
                            (unsigned long long)eh->e_entry);
    return 0;
}

static int prot_of(uint32_t pf)
{
    return ((pf & PF_R) ? VM_PROT_R : 0) | ((pf & PF_W) ? VM_PROT_W : 0) |
           ((pf & PF_X) ? VM_PROT_X : 0);
}

/* Map one validated ELF image. `is_interp` picks the base of an ET_DYN in
 * the mmap area (as the kernel does for ld.so); a main ET_DYN goes to the
 * PIE base. */
static int map_image(vm_machine *m, const char *path, const unsigned char *d, size_t n,
                     int is_interp, loaded *out, vm_error *err)
{
    const Elf64_Ehdr *eh = (const void *)d;
    const Elf64_Phdr *ph = (const void *)(d + eh->e_phoff);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD) continue;
        uint64_t s = ph[i].p_vaddr & ~VM_PAGE_MASK;
        uint64_t e = (ph[i].p_vaddr + ph[i].p_memsz + VM_PAGE_MASK) & ~VM_PAGE_MASK;
        if (s < lo) lo = s;
        if (e > hi) hi = e;
    }
    uint64_t base = 0;
    if (eh->e_type == ET_DYN) {
        uint64_t span = hi - lo;
        if (is_interp)
            base = vm_mem_find_free(m->hart.mem, span, VM_PAGE_SIZE, VM_MMAP_BOTTOM, VM_MMAP_TOP);
        else
            base = VM_PIE_BASE;
        if (!base || base + span > VM_VA_LIMIT)
            return vm_error_set(err, VM_ENOMEM, "%s: no room for a %llu-byte image", path,
                                (unsigned long long)span);
        base -= lo;
    } else if (!vm_mem_is_free(m->hart.mem, lo, hi - lo)) {
        return vm_error_set(err, VM_ENOEXEC, "%s: segments overlap another image", path);
    }
    /* Pages shared by two segments get the union of their permissions. */
    int *page_prot = NULL;
    uint64_t npages = (hi - lo) >> VM_PAGE_SHIFT;
    page_prot = calloc(npages ? npages : 1, sizeof *page_prot);
    if (!page_prot) return vm_error_set(err, VM_ENOMEM, "%s: out of memory", path);
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || !p->p_memsz) continue;
        uint64_t s = p->p_vaddr & ~VM_PAGE_MASK;
        uint64_t e = (p->p_vaddr + p->p_memsz + VM_PAGE_MASK) & ~VM_PAGE_MASK;
        for (uint64_t a = s; a < e; a += VM_PAGE_SIZE)
            page_prot[(a - lo) >> VM_PAGE_SHIFT] |= prot_of(p->p_flags) | 8;
    }
    /* map runs of equal permission, then copy the file bytes */
    for (uint64_t i = 0; i < npages;) {
        uint64_t j = i;
        while (j < npages && page_prot[j] == page_prot[i]) j++;
        if (page_prot[i] &&
            vm_mem_map(m->hart.mem, base + lo + (i << VM_PAGE_SHIFT), (j - i) << VM_PAGE_SHIFT,
                       page_prot[i] & 7, 0, err)) {
            free(page_prot);
            /* the address space's message does not know the file: name it */
            if (err) {
                char why[sizeof err->msg];
                snprintf(why, sizeof why, "%s", err->msg);
                vm_error_set(err, err->code, "%s: %s", path, why);
            }
            return -1;
        }
        i = j;
    }
    free(page_prot);
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || !p->p_filesz) continue;
        if (vm_mem_write_force(m->hart.mem, base + p->p_vaddr, d + p->p_offset, p->p_filesz))
            return vm_error_set(err, VM_ENOEXEC, "%s: cannot place segment %d", path, i);
    }

    out->base = base;
    out->entry = base + eh->e_entry;
    out->phnum = eh->e_phnum;
    out->end = base + hi;
    /* AT_PHDR: PT_PHDR if present, else where the first segment maps e_phoff */
    out->phdr = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_PHDR) out->phdr = base + ph[i].p_vaddr;
    if (!out->phdr) {
        for (int i = 0; i < eh->e_phnum; i++) {
            const Elf64_Phdr *p = &ph[i];
            if (p->p_type == PT_LOAD && eh->e_phoff >= p->p_offset &&
                eh->e_phoff - p->p_offset < p->p_filesz) {
                out->phdr = base + p->p_vaddr + (eh->e_phoff - p->p_offset);
                break;
            }
        }
    }
    out->interp[0] = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_INTERP)
            memcpy(out->interp, d + ph[i].p_offset, ph[i].p_filesz);
    (void)n;
    return 0;
}

/* {==== initial stack ================================================== */

typedef struct stack_builder {
    vm_machine *m;
    uint64_t sp;
    int failed;
} stack_builder;

static uint64_t push_bytes(stack_builder *b, const void *p, size_t n)
{
    b->sp -= n;
    if (vm_mem_write_force(b->m->hart.mem, b->sp, p, n)) b->failed = 1;
    return b->sp;
}

static uint64_t push_str(stack_builder *b, const char *s) { return push_bytes(b, s, strlen(s) + 1); }

static int build_stack(vm_machine *m, const loaded *prog, const loaded *interp, const char *execfn,
                       int argc, char *const argv[], char *const envp[], vm_error *err)
{
    if (vm_mem_map(m->hart.mem, VM_STACK_TOP - VM_STACK_SIZE, VM_STACK_SIZE,
                   VM_PROT_R | VM_PROT_W, 0, err))
        return -1;
    int envc = 0;
    while (envp && envp[envc]) envc++;
    size_t strbytes = strlen(execfn) + 1 + 16 + 64;
    for (int i = 0; i < argc; i++) strbytes += strlen(argv[i]) + 1;
    for (int i = 0; i < envc; i++) strbytes += strlen(envp[i]) + 1;
    if (strbytes + (size_t)(argc + envc + 64) * 8 > VM_STACK_SIZE / 4)
        return vm_error_set(err, VM_EINVAL, "arguments and environment too large (%zu bytes)",
                            strbytes);

    stack_builder b = {m, VM_STACK_TOP, 0};
    uint64_t execfn_a = push_str(&b, execfn);
    uint64_t *envp_a = malloc(sizeof(uint64_t) * (size_t)(envc + 1));
    uint64_t *argv_a = malloc(sizeof(uint64_t) * (size_t)(argc + 1));
    if (!envp_a || !argv_a) {
        free(envp_a);
        free(argv_a);
        return vm_error_set(err, VM_ENOMEM, "out of memory building the stack");
    }
    for (int i = envc - 1; i >= 0; i--) envp_a[i] = push_str(&b, envp[i]);
    for (int i = argc - 1; i >= 0; i--) argv_a[i] = push_str(&b, argv[i]);
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) memset(rnd, 0x5a, sizeof rnd);
    uint64_t random_a = push_bytes(&b, rnd, sizeof rnd);
    push_str(&b, "riscv64");
    uint64_t platform_a = b.sp;

    uint64_t aux[][2] = {
        {AT_PHDR, prog->phdr},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, prog->phnum},
        {AT_PAGESZ, VM_PAGE_SIZE},
        {AT_BASE, interp ? interp->base : 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, prog->entry},
        {AT_UID, getuid()},
        {AT_EUID, geteuid()},
        {AT_GID, getgid()},
        {AT_EGID, getegid()},
        /* RV64 I, M, A, F, D, C: one bit per letter */
        {AT_HWCAP, (1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) |
                       (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a'))},
        {AT_CLKTCK, 100},
        {AT_SECURE, 0},
        {AT_RANDOM, random_a},
        {AT_PLATFORM, platform_a},
        {AT_EXECFN, execfn_a},
        {AT_NULL, 0},
    };
    size_t naux = sizeof aux / sizeof aux[0];
    size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * naux;
    b.sp = (b.sp - words * 8) & ~15ull;
    uint64_t sp = b.sp, w = sp;
    uint64_t v = (uint64_t)argc;
#define PUT(val)                                                                       \
    do {                                                                               \
        v = (val);                                                                     \
        if (vm_mem_write_force(m->hart.mem, w, &v, 8)) b.failed = 1;                   \
        w += 8;                                                                        \
    } while (0)
    PUT((uint64_t)argc);
    for (int i = 0; i < argc; i++) PUT(argv_a[i]);
    PUT(0);
    for (int i = 0; i < envc; i++) PUT(envp_a[i]);
    PUT(0);
    for (size_t i = 0; i < naux; i++) {
        PUT(aux[i][0]);
        PUT(aux[i][1]);
    }
#undef PUT
    free(envp_a);
    free(argv_a);
    if (b.failed) return vm_error_set(err, VM_ENOMEM, "cannot build the initial stack");
    m->hart.cpu.x[2] = sp;
    return 0;
}

/* {==== entry ========================================================== */

int vm_elf_load_program(vm_machine *m, const char *path, int argc, char *const argv[],
                        char *const envp[], vm_error *err)
{
    unsigned char *d = NULL, *id = NULL;
    size_t n = 0, in = 0;
    loaded prog = {0}, interp = {0};
    int rc = -1;

    if (read_file(path, &d, &n, err) || validate(path, d, n, err) ||
        map_image(m, path, d, n, 0, &prog, err))
        goto out;
    if (prog.interp[0]) {
        /* like qemu-user -L: the interpreter is looked up in the sysroot first */
        char ipath[PATH_MAX * 2];
        const char *use = prog.interp;
        if (m->lx.sysroot[0]) {
            snprintf(ipath, sizeof ipath, "%s%s", m->lx.sysroot, prog.interp);
            if (access(ipath, F_OK) == 0) use = ipath;
        }
        if (access(use, F_OK) != 0) {
            vm_error_set(err, VM_ENOEXEC,
                         "%s: its interpreter %s was not found%s (give the riscv64 sysroot "
                         "with -L DIR, e.g. -L /usr/riscv64-linux-gnu)",
                         path, prog.interp, m->lx.sysroot[0] ? " in the sysroot" : "");
            goto out;
        }
        if (read_file(use, &id, &in, err) || validate(use, id, in, err) ||
            map_image(m, use, id, in, 1, &interp, err))
            goto out;
    }
    m->lx.brk_start = m->lx.brk_cur = (prog.end + VM_PAGE_MASK) & ~VM_PAGE_MASK;
    if (build_stack(m, &prog, prog.interp[0] ? &interp : NULL, path, argc, argv, envp, err) ||
        vm_linux_map_trampoline(m, err)) {
        if (err) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            vm_error_set(err, err->code, "%s: %s", path, why);
        }
        goto out;
    }
    m->hart.cpu.pc = prog.interp[0] ? interp.entry : prog.entry;
    rc = 0;
out:
    free(d);
    free(id);
    return rc;
}
