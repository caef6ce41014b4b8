"""newlib's memcpy (memcpy-armv7m.S) and memset (C) as linked from the toolchain's libc: measured per call, so that
kernels can exclude them and add them per call and byte count (their `library_calls`). The library is prebuilt: the
-O level of the application does not change it, but the counts are listed per build like every other kernel."""

from kc.spec import Kernel, Term

SIZES = list(range(0, 80)) + [95, 96, 97, 100, 127, 128, 129, 130, 131, 160, 191, 192, 255, 256, 257, 300, 513]


def memcpy_shapes():
    out = []
    for i, n in enumerate(SIZES):
        for s, d in [(0, 0), (1, 0), (0, 2), (3, 1), (2, 2), (1, 3)]:
            if (i + s + d) % 3 == 0 or (s, d) == (0, 0) or n < 12:
                out.append({"bytes": n, "src_mod4": s, "dst_mod4": d})
    return out


def memset_shapes():
    return [{"bytes": n, "dst_mod4": d} for i, n in enumerate(SIZES) for d in range(4) if (i + d) % 2 == 0 or n < 12 or d == 0]


MEMCPY = Kernel(
    path="newlib_memcpy",
    functions=["memcpy"],
    shim="newlib_memcpy",
    operator="library: memcpy called by kernels (arm_memcpy_s8, im2col copies)",
    variables={"bytes": "bytes copied", "src_mod4": "source address mod 4", "dst_mod4": "destination address mod 4"},
    derived=[
        ("mis", "src_mod4 != 0 || dst_mod4 != 0"),
        ("small", "mis && bytes < 8"),
        ("words", "!small"),
        ("prefix", "if(words && src_mod4 != 0 && dst_mod4 != 0, (4 - dst_mod4) % 4, 0)"),
        ("m", "if(words, bytes - prefix, 0)"),
        ("tail", "if(small, if(bytes < 4, bytes, 0), m % 4)"),
    ],
    terms=[
        Term("call", "overhead", "1", "entry, alignment test, return"),
        Term("misaligned", "overhead", "mis", "source or destination not word aligned"),
        Term("small_loop", "mac", "small*max(0, bytes - 3)", "misaligned and under 8 bytes: byte loop"),
        Term("small_ge4", "overhead", "small*(bytes>=4)", "misaligned, 4-7 bytes: loop set-up and 3 final bytes"),
        Term("prefix_1", "overhead", "prefix==1", "both misaligned: 1 byte to align the destination"),
        Term("prefix_2", "overhead", "prefix==2", "both misaligned: 2 bytes"),
        Term("prefix_3", "overhead", "prefix==3", "both misaligned: 3 bytes"),
        Term("word_path", "overhead", "words*mis", "misaligned but 8 bytes or more: joins the word copy"),
        Term("word_path_src", "overhead", "words*mis*(src_mod4 != 0)", "... after testing the destination's alignment too"),
        Term("blk64", "mac", "m/64", "64 bytes: 16 LDR/STR pairs"),
        Term("blk64_entry", "overhead", "words*(m>=64)", "64-byte loop entered"),
        Term("blk16", "mac", "(m%64)/16", "16 bytes"),
        Term("blk16_entry", "overhead", "words*(m%64>=16)", "16-byte loop entered"),
        Term("word", "mac", "(m%16)/4", "4 bytes"),
        Term("word_entry", "overhead", "words*(m%16>=4)", "4-byte loop entered"),
        Term("tail_r1", "mac", "tail==1", "1 trailing byte"),
        Term("tail_r2", "mac", "tail==2", "2 trailing bytes (halfword)"),
        Term("tail_r3", "mac", "tail==3", "3 trailing bytes"),
    ],
    shapes=memcpy_shapes,
    description="newlib memcpy for armv7e-m (memcpy-armv7m.S in libc.a): word copies whenever source or destination "
                "is word aligned or 8 bytes or more are copied (unaligned LDR/STR), a byte loop for short misaligned "
                "copies, 64/16/4-byte steps and a 1-3 byte tail.",
    count_library=True,
)

MEMSET = Kernel(
    path="newlib_memset",
    functions=["memset"],
    shim="newlib_memset",
    operator="library: memset called by kernels (arm_memset_s8, padding fills)",
    variables={"bytes": "bytes set", "dst_mod4": "destination address mod 4"},
    derived=[
        ("prefix", "min(bytes, (4 - dst_mod4) % 4)"),
        ("r", "bytes - prefix"),
    ],
    terms=[
        Term("call", "overhead", "1", "entry and return"),
        Term("unaligned", "overhead", "dst_mod4 != 0", "destination not word aligned"),
        Term("prefix_byte", "mac", "prefix", "byte stores up to the word boundary"),
        Term("blk16", "mac", "r/16", "16 bytes: 4 STR"),
        Term("blk16_entry", "overhead", "r>=16", "16-byte loop entered"),
        Term("mid", "overhead", "r>=4", "word fill value built (4 bytes or more left)"),
        Term("word", "mac", "(r%16)/4", "4 bytes"),
        Term("word_entry", "overhead", "(r%16)>=4", "word loop entered"),
        Term("tail", "mac", "r%4", "trailing byte"),
        Term("tail_entry", "overhead", "r%4>0", "trailing-byte loop entered"),
        Term("tail_after_words", "overhead", "(r%16)>=4 && r%4>0", "trailing bytes after the word loop"),
        Term("zero", "overhead", "bytes==0", "nothing to set"),
        Term("prefix_short", "overhead", "dst_mod4 != 0 && bytes < (4 - dst_mod4) % 4 && bytes > 0", "ends before the word boundary"),
        Term("prefix_exact", "overhead", "dst_mod4 != 0 && bytes == (4 - dst_mod4) % 4", "ends exactly at the word boundary"),
        Term("zero_unaligned", "overhead", "dst_mod4 != 0 && bytes == 0", "nothing to set, unaligned destination"),
    ],
    shapes=memset_shapes,
    description="newlib memset (C, libc.a): byte stores to a word boundary, 16-byte blocks, words, trailing bytes.",
    count_library=True,
)

KERNELS = [MEMCPY, MEMSET]
