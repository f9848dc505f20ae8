/*
 * CDenseRecordsShims.h — the module's umbrella header: every header the
 * CDenseRecordsShims module exports, listed, so that adding one rebuilds the
 * module for every client (an umbrella folder would not notice a new file in a
 * module cache built before it).
 */
#ifndef CDENSERECORDS_SHIMS_H
#define CDENSERECORDS_SHIMS_H

#include "dr_checksum.h"
#include "dr_memory.h"
#include "dr_units.h"

#endif /* CDENSERECORDS_SHIMS_H */
