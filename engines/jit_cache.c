/* The JIT's dual-mapped code cache: see jit_cache.h. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engines/jit_cache.h"

int vm_jit_cache_init(vm_jit_cache *jc, size_t size, vm_error *err)
{
    memset(jc, 0, sizeof *jc);
    jc->fd = -1;
    jc->rw = jc->rx = MAP_FAILED;
    jc->size = size;
    jc->fd = memfd_create("vmlab-jit", MFD_CLOEXEC);
    if (jc->fd < 0) goto fail;
    if (ftruncate(jc->fd, (off_t)size)) goto fail;
    jc->rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, jc->fd, 0);
    if (jc->rw == MAP_FAILED) goto fail;
    jc->rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, jc->fd, 0);
    if (jc->rx == MAP_FAILED) goto fail;
    return 0;
fail:
    vm_error_set(err, VM_ENOMEM, "jit: cannot map a %zu-byte code cache: %s", size, strerror(errno));
    vm_jit_cache_fini(jc);
    return -1;
}

void vm_jit_cache_fini(vm_jit_cache *jc)
{
    if (jc->rw != MAP_FAILED && jc->rw) munmap(jc->rw, jc->size);
    if (jc->rx != MAP_FAILED && jc->rx) munmap(jc->rx, jc->size);
    if (jc->fd >= 0) close(jc->fd);
    jc->rw = jc->rx = NULL;
    jc->fd = -1;
}
