/* In-order dual-issue Cortex-M7 timing over an executed instruction trace.
 *
 * The rules (README.md, "Cortex-M7 timing model"): two instructions per cycle in order; at most
 * two ALU, two load, one store, one MAC, one branch, one FP, one SIMD and one EX1-shifter
 * operation per cycle; single-issue instructions (LDRD/STRD, LDM/STM/PUSH/POP, multi-register
 * VLDM/VSTM, SDIV/UDIV, TBB/TBH) issue alone and occupy the issue stage for `occupancy` cycles;
 * slot-0 instructions (DSP SIMD, CLZ, BFI/BFC) cannot be the second of a pair; an instruction
 * waits until each source register is ready at the stage it reads it (`advance`: +1 read a
 * cycle late, -1 a cycle early); a taken branch ends its issue group; a 1-bit predictor per
 * branch (conditional: last direction, initially not taken; indirect: last target) and a
 * 4-cycle mispredict penalty (predictor state per instruction address). `taken_flags[t]` says whether the branch ending trace entry t was
 * taken (known from the full trace; entries of excluded code, such as memcpy, are not passed). Compiled by the
 * harness with the host C compiler (kc/build.py). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct insn {
    uint8_t resources, flags, occupancy, branch, nreads, nwrites, pad0, pad1;
    uint8_t read_reg[16];
    int8_t read_advance[16];
    uint8_t write_reg[16];
    uint8_t write_latency[16];
    uint32_t predictor_slot; /* one per instruction address */
};

enum { R_ALU = 1, R_LOAD = 2, R_STORE = 4, R_MAC = 8, R_BRANCH = 16, R_FP = 32, R_SIMD = 64, R_SHIFT = 128 };
enum { MISPREDICT = 4, NREGS = 64 };

static int fits(const int used[8], uint8_t res) {
    static const int limit[8] = {2, 2, 1, 1, 1, 1, 1, 1};
    for (int k = 0; k < 8; k++)
        if ((res >> k & 1) && used[k] + 1 > limit[k]) return 0;
    return 1;
}

static void take(int used[8], uint8_t res) {
    for (int k = 0; k < 8; k++)
        if (res >> k & 1) used[k]++;
}

/* Returns the cycles of the trace (last issue cycle + 1), or -1 on bad input. */
int64_t m7_simulate(const struct insn *insns, int32_t ninsns, int32_t nslots, const int32_t *block_first, const int32_t *block_count,
                    const uint32_t *block_start, const uint32_t *block_end, int32_t nblocks, const int32_t *trace,
                    const uint8_t *taken_flags, int64_t n, uint32_t final_target) {
    int8_t *last_dir = calloc((size_t)nslots + 1, 1);
    uint32_t *last_target = calloc((size_t)nslots + 1, sizeof(uint32_t));
    if (!last_dir || !last_target) { free(last_dir); free(last_target); return -1; }
    int64_t ready[NREGS];
    memset(ready, 0, sizeof ready);
    int64_t cyc = -1, block_until = 0;
    int slot = 2, closed = 1;
    int used[8] = {0};
    for (int64_t t = 0; t < n; t++) {
        int32_t b = trace[t];
        if (b < 0 || b >= nblocks) { free(last_dir); free(last_target); return -1; }
        uint32_t next = t + 1 < n ? block_start[trace[t + 1]] : final_target;
        int32_t first = block_first[b], count = block_count[b];
        for (int32_t k = 0; k < count; k++) {
            int32_t id = first + k;
            if (id < 0 || id >= ninsns) { free(last_dir); free(last_target); return -1; }
            const struct insn *x = &insns[id];
            int single = x->flags & 1, slot0 = x->flags & 2;
            int64_t earliest = block_until;
            for (int r = 0; r < x->nreads; r++) {
                int64_t need = ready[x->read_reg[r] % NREGS] - x->read_advance[r];
                if (need > earliest) earliest = need;
            }
            int64_t c;
            if (!closed && slot == 1 && !single && !slot0 && earliest <= cyc && fits(used, x->resources)) {
                c = cyc;
                slot = 2;
                take(used, x->resources);
            } else {
                c = earliest > cyc + 1 ? earliest : cyc + 1;
                memset(used, 0, sizeof used);
                take(used, x->resources);
                slot = 1;
                closed = 0;
            }
            cyc = c;
            for (int w = 0; w < x->nwrites; w++) ready[x->write_reg[w] % NREGS] = c + x->write_latency[w];
            if (single || x->occupancy > 1) {
                closed = 1;
                if (c + x->occupancy > block_until) block_until = c + x->occupancy;
            }
            if (x->branch && k == count - 1) {
                int taken = taken_flags[t] != 0;
                int mispredicted = 0;
                uint32_t slot = x->predictor_slot;
                if (slot >= (uint32_t)nslots) { free(last_dir); free(last_target); return -1; }
                if (x->branch == 2) {
                    mispredicted = (last_dir[slot] != 0) != taken;
                    last_dir[slot] = (int8_t)taken;
                } else if (x->branch == 3) {
                    mispredicted = last_target[slot] != next;
                    last_target[slot] = next;
                }
                if (taken) closed = 1;
                if (mispredicted) {
                    closed = 1;
                    if (c + 1 + MISPREDICT > block_until) block_until = c + 1 + MISPREDICT;
                }
            }
        }
    }
    free(last_dir);
    free(last_target);
    return cyc + 1;
}
