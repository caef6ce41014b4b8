// The fuzz executables' entry points (<Target>_main) live in C, in driver.c: with
// -parse-as-library the Swift entry points define none, and each hands control to libFuzzer.
#pragma once
