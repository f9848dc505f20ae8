/*
 * dense_records.c — the record layout target has no functions; SwiftPM needs
 * one source file per C target, and compiling the header here runs its
 * _Static_assert layout checks once more in C.
 */
#include "dense_records.h"
