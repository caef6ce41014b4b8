/* Shims measuring newlib's memcpy and memset (kernels/newlib.py): kc_params bytes, src_mod4, dst_mod4 (memcpy)
 * or bytes, dst_mod4 (memset); the buffers start that many bytes past a 16-byte boundary. */
#include <string.h>
#include "kc_shim.h"

static void *dst, *src;

int kc_setup_newlib_memcpy(void) {
    kc_reset();
    uint32_t n = (uint32_t)KC_P(0);
    if (!(src = kc_alloc_offset(n + 1, KC_I8, -128, 127, (uint32_t)KC_P(1)))) return 1;
    if (!(dst = kc_alloc_offset(n + 1, KC_ZERO, 0, 0, (uint32_t)KC_P(2)))) return 1;
    return 0;
}

KC_NOINLINE void kc_run_newlib_memcpy(void) { memcpy(dst, src, (size_t)KC_P(0)); }

int kc_setup_newlib_memset(void) {
    kc_reset();
    if (!(dst = kc_alloc_offset((uint32_t)KC_P(0) + 1, KC_ZERO, 0, 0, (uint32_t)KC_P(1)))) return 1;
    return 0;
}

KC_NOINLINE void kc_run_newlib_memset(void) { memset(dst, 0x5a, (size_t)KC_P(0)); }
