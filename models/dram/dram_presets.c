/*
 * dram_presets.c - ready memory systems, each number with its source.
 *
 * A preset is a list of settings written as in a DRAMsim3 .ini and applied
 * with ax_dram_cfg_set, so a preset and an .ini are one format. Timing is in
 * cycles of tCK: the JEDEC value in ns divided by tCK and rounded up, with
 * the nCK floor of the speed bin where JEDEC gives one ("max(4nCK, 7.5ns)").
 * Where a number is taken from DRAMsim3's shipped .ini (itself from a Micron
 * datasheet) the source says so. Power numbers are per device (mA, V).
 */
#include <stdio.h>
#include <string.h>

#include "dram.h"

typedef struct kv { const char *k, *v, *src; } kv;

/* DDR4-3200AA 22-22-22, 8Gb x8 (JESD79-4B table 'DDR4-3200 speed bins';
 * tCK 0.625 ns). Identical to DRAMsim3's DDR4_8Gb_x8_3200.ini. */
static const kv ddr4_3200[] = {
  {"protocol", "DDR4", "JESD79-4B"},
  {"bankgroups", "4", "JESD79-4B: x8 has 4 bank groups"}, {"banks_per_group", "4", "JESD79-4B"},
  {"rows", "65536", "JESD79-4B 8Gb x8 addressing: A0-A15"}, {"columns", "1024", "JESD79-4B: A0-A9"},
  {"device_width", "8", "x8 part"}, {"BL", "8", "JESD79-4B: BL8"}, {"bus_width", "64", "one 64-bit DIMM channel"},
  {"channels", "1", "one channel"}, {"ranks", "2", "dual-rank DIMM (16 GiB), as DRAMsim3's .ini"},
  {"tCK", "0.63", "DRAMsim3 .ini rounding of 0.625 ns"},
  {"CL", "22", "JESD79-4B DDR4-3200AA"}, {"CWL", "16", "JESD79-4B: CWL 16 at 3200"}, {"AL", "0", "no additive latency"},
  {"tRCD", "22", "JESD79-4B: 13.75 ns"}, {"tRP", "22", "JESD79-4B: 13.75 ns"}, {"tRAS", "52", "JESD79-4B: 32 ns"},
  {"tRFC", "560", "JESD79-4B: tRFC1 350 ns for 8Gb"}, {"tREFI", "12480", "JESD79-4B: 7.8 us"},
  {"tRRD_S", "4", "JESD79-4B: max(4nCK, 2.5 ns), 1KB page"}, {"tRRD_L", "8", "JESD79-4B: max(4nCK, 4.9 ns)"},
  {"tWTR_S", "4", "JESD79-4B: max(2nCK, 2.5 ns)"}, {"tWTR_L", "12", "JESD79-4B: max(4nCK, 7.5 ns)"},
  {"tFAW", "34", "JESD79-4B: 21 ns, 1KB page"}, {"tWR", "24", "JESD79-4B: 15 ns"}, {"tRTP", "12", "JESD79-4B: max(4nCK, 7.5 ns)"},
  {"tCCD_S", "4", "JESD79-4B: 4 nCK"}, {"tCCD_L", "8", "JESD79-4B: max(5nCK, 5 ns)"},
  {"tCKE", "8", "JESD79-4B: max(3nCK, 5 ns)"}, {"tXP", "10", "JESD79-4B: max(4nCK, 6 ns)"},
  {"tXS", "576", "JESD79-4B: tRFC + 10 ns"}, {"tCKESR", "9", "JESD79-4B: tCKE + 1nCK"},
  {"tRTRS", "1", "rank-to-rank bubble of DRAMsim3's .ini (not a JEDEC number)"},
  {"VDD", "1.2", "JESD79-4B"}, {"IDD0", "57", "Micron MT40A1G8 -062E, via DRAMsim3 .ini"},
  {"IDD2P", "25", "Micron MT40A1G8"}, {"IDD2N", "37", "Micron MT40A1G8"}, {"IDD3P", "43", "Micron MT40A1G8"},
  {"IDD3N", "52", "Micron MT40A1G8"}, {"IDD4W", "150", "Micron MT40A1G8"}, {"IDD4R", "168", "Micron MT40A1G8"},
  {"IDD5AB", "250", "Micron MT40A1G8"}, {"IDD6x", "30", "Micron MT40A1G8"},
  {NULL, NULL, NULL}};

/* DDR5-4800B 40-39-39, 16Gb x8, one 32-bit sub-channel (JESD79-5B;
 * tCK 0.416 ns). */
static const kv ddr5_4800[] = {
  {"protocol", "DDR5", "JESD79-5B"},
  {"bankgroups", "8", "JESD79-5B: 16Gb x8 has 8 bank groups"}, {"banks_per_group", "4", "JESD79-5B"},
  {"rows", "65536", "JESD79-5B 16Gb x8: R0-R15"}, {"columns", "1024", "JESD79-5B: 1KB page x8"},
  {"device_width", "8", "x8 part"}, {"BL", "16", "JESD79-5B: BL16"}, {"bus_width", "32", "one DDR5 sub-channel"},
  {"channels", "2", "a DIMM's two sub-channels"}, {"ranks", "1", "single rank"},
  {"tCK", "0.416", "JESD79-5B: 4800 MT/s"},
  {"CL", "40", "JESD79-5B DDR5-4800B"}, {"CWL", "38", "JESD79-5B: CWL = CL - 2"}, {"AL", "0", "DDR5 has no AL"},
  {"tRCD", "39", "JESD79-5B: 16 ns"}, {"tRP", "39", "JESD79-5B: 16 ns"}, {"tRAS", "77", "JESD79-5B: 32 ns"},
  {"tRFC", "709", "JESD79-5B: tRFC1 295 ns for 16Gb"}, {"tRFCb", "313", "JESD79-5B: tRFCsb 130 ns"},
  {"tREFI", "9375", "JESD79-5B: 3.9 us"}, {"tREFIb", "586", "JESD79-5B: tREFI / 16 banks per SB cycle"},
  {"tRRD_S", "8", "JESD79-5B: 8 nCK"}, {"tRRD_L", "12", "JESD79-5B: max(8nCK, 5 ns)"},
  {"tWTR_S", "6", "JESD79-5B: max(4nCK, 2.5 ns)"}, {"tWTR_L", "24", "JESD79-5B: max(16nCK, 10 ns)"},
  {"tFAW", "32", "JESD79-5B: max(32nCK, 13.333 ns), 1KB page"}, {"tWR", "72", "JESD79-5B: 30 ns"},
  {"tRTP", "18", "JESD79-5B: max(12nCK, 7.5 ns)"}, {"tCCD_S", "8", "JESD79-5B: 8 nCK"},
  {"tCCD_L", "12", "JESD79-5B: max(8nCK, 5 ns)"}, {"tPPD", "2", "JESD79-5B: 2 nCK"},
  {"tXP", "18", "JESD79-5B: max(8nCK, 7.5 ns)"}, {"tCKE", "12", "JESD79-5B: tCSL-like, max(8nCK, 5 ns)"},
  {"tRTRS", "2", "rank/ bus turnaround of 2 nCK (JESD79-5B read preamble 2nCK)"},
  {"VDD", "1.1", "JESD79-5B"}, {"IDD0", "65", "Micron MT60B2G8 16Gb DDR5 datasheet, rounded"},
  {"IDD2P", "35", "Micron MT60B2G8, rounded"}, {"IDD2N", "45", "Micron MT60B2G8, rounded"},
  {"IDD3P", "50", "Micron MT60B2G8, rounded"}, {"IDD3N", "60", "Micron MT60B2G8, rounded"},
  {"IDD4R", "230", "Micron MT60B2G8, rounded"}, {"IDD4W", "200", "Micron MT60B2G8, rounded"},
  {"IDD5AB", "270", "Micron MT60B2G8, rounded"}, {"IDD5PB", "85", "Micron MT60B2G8 (IDD5C), rounded"},
  {"IDD6x", "35", "Micron MT60B2G8, rounded"},
  {NULL, NULL, NULL}};

/* LPDDR4-3200, 8Gb per 16-bit channel (JESD209-4B; tCK 0.625 ns). */
static const kv lpddr4_3200[] = {
  {"protocol", "LPDDR4", "JESD209-4B"},
  {"bankgroups", "1", "LPDDR4 has no bank groups"}, {"banks_per_group", "8", "JESD209-4B: 8 banks"},
  {"rows", "65536", "JESD209-4B 8Gb/channel: R0-R15"}, {"columns", "1024", "JESD209-4B: C0-C9, 2KB page"},
  {"device_width", "16", "one x16 channel"}, {"BL", "16", "JESD209-4B: BL16"}, {"bus_width", "16", "one LPDDR4 channel"},
  {"channels", "2", "a x32 package: two channels"}, {"ranks", "1", "single rank"},
  {"tCK", "0.625", "JESD209-4B: 3200 MT/s"},
  {"CL", "28", "JESD209-4B: RL 28, DBI off"}, {"CWL", "14", "JESD209-4B: WL set A"}, {"AL", "0", "no AL"},
  {"tRCD", "29", "JESD209-4B: max(18 ns, 4nCK)"}, {"tRP", "29", "JESD209-4B: tRPpb 18 ns"},
  {"tRAS", "68", "JESD209-4B: max(42 ns, 3nCK)"}, {"tRFC", "448", "JESD209-4B: tRFCab 280 ns, 8Gb"},
  {"tRFCb", "224", "JESD209-4B: tRFCpb 140 ns"}, {"tREFI", "6246", "JESD209-4B: 3.904 us"},
  {"tREFIb", "780", "JESD209-4B: tREFIpb 488 ns"},
  {"tRRD_S", "16", "JESD209-4B: max(10 ns, 4nCK)"}, {"tRRD_L", "16", "no bank groups: = tRRD"},
  {"tWTR_S", "16", "JESD209-4B: max(10 ns, 8nCK)"}, {"tWTR_L", "16", "no bank groups: = tWTR"},
  {"tFAW", "64", "JESD209-4B: 40 ns"}, {"tWR", "29", "JESD209-4B: max(18 ns, 6nCK)"},
  {"tRTP", "12", "JESD209-4B: max(7.5 ns, 8nCK)"}, {"tCCD_S", "8", "JESD209-4B: tCCD 8 nCK (BL16)"},
  {"tCCD_L", "8", "no bank groups: = tCCD"}, {"tPPD", "4", "JESD209-4B: 4 nCK"},
  {"tXP", "12", "JESD209-4B: max(7.5 ns, 5nCK)"}, {"tCKE", "12", "JESD209-4B: max(7.5 ns, 4nCK)"},
  {"tRTRS", "1", "one-cycle bus turnaround, as DRAMsim3's LPDDR4 .ini"},
  {"VDD", "1.1", "JESD209-4B: VDD2"}, {"IDD0", "60", "Micron MT53E LPDDR4 datasheet IDD02, rounded"},
  {"IDD2P", "2", "Micron MT53E IDD2P2, rounded"}, {"IDD2N", "25", "Micron MT53E IDD2N2, rounded"},
  {"IDD3P", "8", "Micron MT53E IDD3P2, rounded"}, {"IDD3N", "35", "Micron MT53E IDD3N2, rounded"},
  {"IDD4R", "300", "Micron MT53E IDD4R2, rounded"}, {"IDD4W", "280", "Micron MT53E IDD4W2, rounded"},
  {"IDD5AB", "100", "Micron MT53E IDD52, rounded"}, {"IDD5PB", "40", "Micron MT53E IDD5PB2, rounded"},
  {"IDD6x", "2", "Micron MT53E IDD62, rounded"},
  {NULL, NULL, NULL}};

/* LPDDR5-6400, 16-bit channel in bank-group mode (JESD209-5B; CK 800 MHz,
 * WCK 3.2 GHz). */
static const kv lpddr5_6400[] = {
  {"protocol", "LPDDR5", "JESD209-5B"},
  {"bankgroups", "4", "JESD209-5B: BG mode, 4 groups"}, {"banks_per_group", "4", "JESD209-5B: BG mode"},
  {"rows", "32768", "JESD209-5B 8Gb/channel, 16 banks"}, {"columns", "1024", "JESD209-5B: 2KB page x16"},
  {"device_width", "16", "one x16 channel"}, {"BL", "16", "JESD209-5B: BL16 in BG mode"}, {"bus_width", "16", "one channel"},
  {"channels", "2", "a x32 package"}, {"ranks", "1", "single rank"},
  {"tCK", "1.25", "JESD209-5B: CK 800 MHz at 6400 MT/s"},
  {"CL", "17", "JESD209-5B: RL 17 nCK (set 0, DBI off)"}, {"CWL", "9", "JESD209-5B: WL set A"}, {"AL", "0", "no AL"},
  {"tRCD", "15", "JESD209-5B: 18 ns"}, {"tRP", "15", "JESD209-5B: tRPpb 18 ns"}, {"tRAS", "34", "JESD209-5B: 42 ns"},
  {"tRFC", "168", "JESD209-5B: tRFCab 210 ns, 8Gb"}, {"tRFCb", "96", "JESD209-5B: tRFCpb 120 ns"},
  {"tREFI", "3125", "JESD209-5B: 3.906 us"}, {"tREFIb", "390", "JESD209-5B: tREFIpb 488 ns"},
  {"tRRD_S", "4", "JESD209-5B: max(5 ns, 2nCK)"}, {"tRRD_L", "4", "JESD209-5B: max(5 ns, 2nCK)"},
  {"tWTR_S", "5", "JESD209-5B: max(6.25 ns, 4nCK)"}, {"tWTR_L", "8", "JESD209-5B: max(10 ns, 4nCK)"},
  {"tFAW", "16", "JESD209-5B: 20 ns"}, {"tWR", "28", "JESD209-5B: max(34 ns, 3nCK)"},
  {"tRTP", "6", "JESD209-5B: max(7.5 ns, 4nCK)"}, {"tCCD_S", "2", "JESD209-5B: BL/n_min, other group"},
  {"tCCD_L", "4", "JESD209-5B: BG mode, same group"}, {"tPPD", "2", "JESD209-5B: 2 nCK"},
  {"tXP", "6", "JESD209-5B: max(7 ns, 3nCK)"}, {"tCKE", "4", "JESD209-5B: tCSCKE-like, max(5 ns, 3nCK)"},
  {"tRTRS", "1", "one-cycle bus turnaround"},
  {"VDD", "1.05", "JESD209-5B: VDD2H"}, {"IDD0", "50", "Micron MT62F LPDDR5 datasheet IDD02H, rounded"},
  {"IDD2P", "2", "Micron MT62F, rounded"}, {"IDD2N", "20", "Micron MT62F, rounded"},
  {"IDD3P", "6", "Micron MT62F, rounded"}, {"IDD3N", "30", "Micron MT62F, rounded"},
  {"IDD4R", "250", "Micron MT62F, rounded"}, {"IDD4W", "230", "Micron MT62F, rounded"},
  {"IDD5AB", "90", "Micron MT62F, rounded"}, {"IDD5PB", "35", "Micron MT62F, rounded"},
  {"IDD6x", "2", "Micron MT62F, rounded"},
  {NULL, NULL, NULL}};

/* HBM2, 8Gb dies, 8 legacy 128-bit channels at 2 Gb/s (JESD235B; tCK 1 ns).
 * Same numbers as DRAMsim3's HBM2_8Gb_x128.ini. */
static const kv hbm2[] = {
  {"protocol", "HBM2", "JESD235B"},
  {"bankgroups", "4", "JESD235B: 4 bank groups"}, {"banks_per_group", "4", "JESD235B: 16 banks"},
  {"rows", "32768", "JESD235B 8Gb: R0-R14"}, {"columns", "128", "JESD235B: 2KB page of 128-bit columns"},
  {"device_width", "128", "one 128-bit channel"}, {"BL", "4", "JESD235B: BL4"}, {"bus_width", "128", "legacy mode"},
  {"channels", "8", "JESD235B: 8 channels per stack"}, {"ranks", "1", "one die per channel"},
  {"tCK", "1", "JESD235B: 2 Gb/s per pin"},
  {"CL", "14", "DRAMsim3 HBM2 .ini"}, {"CWL", "4", "DRAMsim3 HBM2 .ini"}, {"AL", "0", "no AL"},
  {"tRCDRD", "14", "JESD235B: 14 ns"}, {"tRCDWR", "14", "DRAMsim3 HBM2 .ini"}, {"tRP", "14", "JESD235B: 14 ns"},
  {"tRAS", "34", "JESD235B: 33 ns"}, {"tRFC", "260", "JESD235B: 260 ns, 8Gb"}, {"tREFI", "3900", "JESD235B: 3.9 us"},
  {"tREFIb", "128", "DRAMsim3 HBM2 .ini"}, {"tRFCb", "20", "DRAMsim3 default"},
  {"tRRD_S", "4", "JESD235B"}, {"tRRD_L", "6", "JESD235B"}, {"tWTR_S", "6", "JESD235B"}, {"tWTR_L", "8", "JESD235B"},
  {"tFAW", "30", "JESD235B: 30 ns"}, {"tWR", "16", "JESD235B: 16 ns"}, {"tCCD_S", "1", "JESD235B: 1 nCK (BL2 mode 1, BL4 2)"},
  {"tCCD_L", "2", "JESD235B"}, {"tRTP", "5", "DRAMsim3 default (its .ini names tRTP_L/S, which it ignores)"},
  {"tXP", "8", "DRAMsim3 HBM2 .ini"}, {"tCKE", "8", "DRAMsim3 HBM2 .ini"}, {"tRTRS", "2", "DRAMsim3 default"},
  {"VDD", "1.2", "JESD235B"}, {"IDD0", "65", "DRAMsim3 HBM2 .ini"}, {"IDD2P", "28", "DRAMsim3 HBM2 .ini"},
  {"IDD2N", "40", "DRAMsim3 HBM2 .ini"}, {"IDD3P", "40", "DRAMsim3 HBM2 .ini"}, {"IDD3N", "55", "DRAMsim3 HBM2 .ini"},
  {"IDD4W", "500", "DRAMsim3 HBM2 .ini"}, {"IDD4R", "390", "DRAMsim3 HBM2 .ini"}, {"IDD5AB", "250", "DRAMsim3 HBM2 .ini"},
  {"IDD6x", "31", "DRAMsim3 HBM2 .ini"},
  {NULL, NULL, NULL}};

/* HBM3 at 6.4 Gb/s, 16Gb dies, 64-bit pseudo-channels (JESD238A; CK
 * 1.6 GHz, tCK 0.625 ns). */
static const kv hbm3[] = {
  {"protocol", "HBM3", "JESD238A"},
  {"bankgroups", "4", "JESD238A: 4 bank groups per PC"}, {"banks_per_group", "4", "JESD238A: 16 banks per PC"},
  {"rows", "32768", "JESD238A 16Gb die"}, {"columns", "256", "JESD238A: 1KB page of 32-bit columns"},
  {"device_width", "64", "one pseudo-channel"}, {"BL", "8", "JESD238A: BL8"}, {"bus_width", "64", "pseudo-channel"},
  {"channels", "32", "JESD238A: 16 channels x 2 pseudo-channels"}, {"ranks", "1", "one stack height level"},
  {"tCK", "0.625", "JESD238A: 6.4 Gb/s, CK = data rate / 4"},
  {"CL", "24", "JESD238A RL at 6.4 Gb/s, rounded"}, {"CWL", "8", "JESD238A WL, rounded"}, {"AL", "0", "no AL"},
  {"tRCDRD", "23", "JESD238A: 14 ns"}, {"tRCDWR", "17", "JESD238A: 10 ns"}, {"tRP", "23", "JESD238A: 14 ns"},
  {"tRAS", "53", "JESD238A: 33 ns"}, {"tRFC", "560", "JESD238A: tRFCab 350 ns, 16Gb"},
  {"tRFCb", "256", "JESD238A: tRFCpb 160 ns"}, {"tREFI", "6240", "JESD238A: 3.9 us"}, {"tREFIb", "390", "tREFI / 16"},
  {"tRRD_S", "4", "JESD238A: 2.5 ns"}, {"tRRD_L", "6", "JESD238A: 3.75 ns"}, {"tWTR_S", "4", "JESD238A: 2.5 ns"},
  {"tWTR_L", "10", "JESD238A: 6 ns"}, {"tFAW", "24", "JESD238A: 15 ns"}, {"tWR", "26", "JESD238A: 16 ns"},
  {"tRTP", "8", "JESD238A: 5 ns"}, {"tCCD_S", "2", "JESD238A: 2 nCK"}, {"tCCD_L", "4", "JESD238A: 4 nCK"},
  {"tXP", "13", "JESD238A: 8 ns"}, {"tCKE", "13", "JESD238A: 8 ns"}, {"tRTRS", "2", "two-cycle turnaround"},
  {"VDD", "1.1", "JESD238A: VDD"}, {"IDD0", "70", "scaled from the HBM2 numbers by VDD and rate (estimate)"},
  {"IDD2P", "25", "estimate, as IDD0"}, {"IDD2N", "35", "estimate"}, {"IDD3P", "35", "estimate"},
  {"IDD3N", "50", "estimate"}, {"IDD4W", "420", "estimate"}, {"IDD4R", "380", "estimate"},
  {"IDD5AB", "250", "estimate"}, {"IDD5PB", "60", "estimate"}, {"IDD6x", "25", "estimate"},
  {NULL, NULL, NULL}};

/* GDDR6 8Gb x16, 16 Gb/s, as DRAMsim3's GDDR6_8Gb_x16.ini (Micron
 * MT61K256M32 datasheet; JESD250C). */
static const kv gddr6[] = {
  {"protocol", "GDDR6", "JESD250C"},
  {"bankgroups", "4", "JESD250C"}, {"banks_per_group", "4", "JESD250C: 16 banks"},
  {"rows", "16384", "JESD250C 8Gb x16 channel"}, {"columns", "2048", "DRAMsim3 .ini: 128 x BL16"},
  {"device_width", "16", "x16 channel"}, {"BL", "16", "JESD250C: BL16"}, {"bus_width", "128", "DRAMsim3 .ini"},
  {"channels", "1", "DRAMsim3 .ini"}, {"ranks", "1", "single rank"},
  {"tCK", "0.66", "DRAMsim3 GDDR6 .ini"},
  {"CL", "24", "Micron MT61K256M32"}, {"CWL", "16", "Micron MT61K256M32"}, {"AL", "0", "no AL"},
  {"tRCDRD", "24", "Micron MT61K256M32"}, {"tRCDWR", "20", "Micron MT61K256M32"}, {"tRP", "24", "Micron MT61K256M32"},
  {"tRAS", "54", "Micron MT61K256M32"}, {"tRFC", "126", "Micron MT61K256M32"}, {"tREFI", "11862", "Micron MT61K256M32"},
  {"tRFCb", "30", "Micron MT61K256M32"}, {"tREFIb", "238", "Micron MT61K256M32"},
  {"tRRD_S", "9", "Micron MT61K256M32"}, {"tRRD_L", "9", "Micron MT61K256M32"}, {"tWTR_S", "7", "Micron MT61K256M32"},
  {"tWTR_L", "7", "Micron MT61K256M32"}, {"tFAW", "32", "Micron MT61K256M32"}, {"t32AW", "420", "Micron MT61K256M32"},
  {"tWR", "16", "Micron MT61K256M32"}, {"tRTP", "3", "Micron MT61K256M32 (tRTP_L = tRTP_S = 3)"},
  {"tCCD_S", "3", "Micron MT61K256M32"}, {"tCCD_L", "4", "Micron MT61K256M32"}, {"tPPD", "2", "Micron MT61K256M32"},
  {"tXP", "12", "Micron MT61K256M32"}, {"tRTRS", "1", "DRAMsim3 .ini"},
  {"VDD", "1.35", "JESD250C"}, {"IDD0", "71", "DRAMsim3 GDDR6 .ini"}, {"IDD2P", "45", "DRAMsim3 GDDR6 .ini"},
  {"IDD2N", "60", "DRAMsim3 GDDR6 .ini"}, {"IDD3P", "50", "DRAMsim3 GDDR6 .ini"}, {"IDD3N", "61", "DRAMsim3 GDDR6 .ini"},
  {"IDD4W", "231", "DRAMsim3 GDDR6 .ini"}, {"IDD4R", "248", "DRAMsim3 GDDR6 .ini"}, {"IDD5AB", "286", "DRAMsim3 GDDR6 .ini"},
  {"IDD5PB", "45", "DRAMsim3 GDDR6 .ini"}, {"IDD6x", "35", "DRAMsim3 GDDR6 .ini"},
  {NULL, NULL, NULL}};

static const struct { const char *name; const kv *kv; const char *mapping; } presets[] = {
  {"DDR4-3200", ddr4_3200, "rochrababgco"}, {"DDR5-4800", ddr5_4800, "rochrababgco"},
  {"LPDDR4-3200", lpddr4_3200, "rochrababgco"}, {"LPDDR5-6400", lpddr5_6400, "rochrababgco"},
  {"HBM2", hbm2, "rorabgbachco"}, {"HBM3", hbm3, "rorabgbachco"}, {"GDDR6", gddr6, "rochrababgco"}};

const char *const ax_dram_preset_names[] = {"DDR4-3200", "DDR5-4800", "LPDDR4-3200", "LPDDR5-6400",
                                            "HBM2", "HBM3", "GDDR6", NULL};

/* Fill cfg with a preset by name. Controller settings are DRAMsim3's
 * defaults (queues of 8 per bank behind 32 transactions, open page,
 * staggered rank refresh); the caller may override any of them. */
int ax_dram_preset(ax_dram_cfg *cfg, const char *name, char *err, size_t errlen) {
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
    if (strcmp(presets[i].name, name) != 0) continue;
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->name, sizeof cfg->name, "%s", name);
    snprintf(cfg->mapping, sizeof cfg->mapping, "%s", presets[i].mapping);
    cfg->cmd_queue_size = 8;      /* DRAMsim3 .ini files */
    cfg->trans_queue_size = 32;   /* DRAMsim3 .ini files */
    cfg->write_buf_size = 16;     /* DRAMsim3 default */
    cfg->page_policy = AX_DRAM_OPEN_PAGE;
    cfg->queue_structure = AX_DRAM_QUEUE_PER_BANK;
    cfg->refresh_policy = AX_DRAM_REF_RANK_STAGGERED;
    cfg->channel_mb = 1;
    char e[200];
    for (const kv *p = presets[i].kv; p->k; p++)
      if (ax_dram_cfg_set(cfg, p->k, p->v, e, sizeof e) != AX_OK) {
        snprintf(err, errlen, "preset %s: %s", name, e); /* a bug in the table */
        return AX_EINVAL;
      }
    return AX_OK;
  }
  size_t o = (size_t)snprintf(err, errlen, "unknown DRAM preset '%s' (expected one of:", name);
  for (size_t i = 0; i < sizeof presets / sizeof presets[0] && o < errlen; i++)
    o += (size_t)snprintf(err + o, errlen - o, " %s", presets[i].name);
  if (o < errlen) snprintf(err + o, errlen - o, ")");
  return AX_EINVAL;
}
