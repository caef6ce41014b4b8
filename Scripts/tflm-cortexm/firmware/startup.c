// Reset handler and vector table shared by every harness firmware (runner, flash
// images and the empty application), so that the empty application's size is the
// startup cost to subtract.
#include <stdint.h>

#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern int main(void);

// For C++ objects with destructors registered through __aeabi_atexit.
void* __dso_handle = 0;

void Reset_Handler(void) {
  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  // CPACR: full access to CP10 and CP11 (the FPU).
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (void (**init)(void) = __init_array_start; init < __init_array_end; init++) (*init)();
  sh_exit(main());
}

void Default_Handler(void) { sh_exit(99); }

__attribute__((section(".vectors"), used)) void* const vector_table[16] = {
    __stack_top,          (void*)Reset_Handler,  (void*)Default_Handler, (void*)Default_Handler,
    (void*)Default_Handler, (void*)Default_Handler, (void*)Default_Handler, 0,
    0,                    0,                     0,                      (void*)Default_Handler,
    (void*)Default_Handler, 0,                     (void*)Default_Handler, (void*)Default_Handler,
};
