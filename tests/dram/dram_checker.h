/*
 * dram_checker.h - an independent JEDEC timing checker for DRAM command logs.
 *
 * Reads a command log in DRAMsim3's cmdtrace format ("cycle command channel
 * rank bankgroup bank row column", plain or gzip) and checks every command
 * against the device's timing parameters. Its rules are written here from
 * the JEDEC definitions, not taken from the model's tables
 * (models/dram/std_*.c), so the model cannot pass by agreeing with itself.
 */
#ifndef AX_DRAM_CHECKER_H
#define AX_DRAM_CHECKER_H

#include <stddef.h>

#include "dram.h"

/* Check the log at path against cfg. Returns the number of violations
 * (0: clean), or -1 if the file cannot be read or a line cannot be parsed;
 * msg gets the first violation: line, cycle, command and the rule's name. */
long ax_dram_check_log(const ax_dram_cfg *cfg, const char *path, char *msg, size_t msglen);

#endif
