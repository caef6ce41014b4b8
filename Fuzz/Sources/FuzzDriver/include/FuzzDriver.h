// The fuzz executables' `main` lives in C (driver.c): with -parse-as-library the Swift
// entry points define no `main`, and libFuzzer's own `main` is not linked in when one exists.
#pragma once
