// The compiler's prefetch builtin, which Swift cannot name: a hint to bring the cache line at `address`
// into the caches for reading, dropped on targets without one. Inlined where it is called.
#ifndef PLM_PREFETCH_SHIM_H
#define PLM_PREFETCH_SHIM_H
static inline __attribute__((always_inline)) void plm_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
