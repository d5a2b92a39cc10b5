/*
 * ecc.h - the protection codes of the what-if analysis, as real codes:
 * even parity over a word, and SECDED as the extended Hamming code (Hamming
 * 1950 plus an overall parity bit): 8 data bits -> 13-bit codeword, 32 ->
 * 39. Decoding a corrupted codeword says what the hardware would do:
 * correct a single error, detect a double, and for some heavier patterns
 * miscorrect silently.
 */
#ifndef AX_ECC_H
#define AX_ECC_H

#include <stdint.h>

typedef enum ax_ecc_status {
  AX_ECC_CLEAN = 0,     /* no error seen */
  AX_ECC_CORRECTED,     /* single error corrected */
  AX_ECC_DETECTED,      /* uncorrectable error detected */
} ax_ecc_status;

/* Check bits SECDED adds to a word of d data bits (d = 8: 5, d = 32: 7). */
unsigned ax_secded_check_bits(unsigned d);
/* Encode d data bits (d <= 57) into a codeword; bit i of the result is
 * Hamming position i (0 = overall parity, powers of two = check bits). */
uint64_t ax_secded_encode(uint64_t data, unsigned d);
/* Decode a codeword: the data bits out (corrected if it could) and status. */
ax_ecc_status ax_secded_decode(uint64_t code, unsigned d, uint64_t *data);
/* Codeword position of data bit b. */
unsigned ax_secded_data_pos(unsigned b);
/* What SECDED does with data bits `mask` flipped in a word of d bits:
 * 0 clean/corrected to the right data, 1 detected, 2 silent wrong data. */
int ax_secded_outcome(uint32_t mask, unsigned d);
/* What SECDED does with an error in a stored codeword of d data bits laid
 * out physically as data bits 0..d-1, then the Hamming check bits (check
 * bit j, position 2^j, at d + j), then the overall parity bit: physical
 * bits bit .. bit+31 flipped where mask (relative to bit) has ones. Used
 * for DRAM words (d = 64: the 72-bit word of a DDR4 ECC DIMM). 0 data
 * right (clean or corrected), 1 detected, 2 silent wrong data. */
int ax_secded_word_outcome(unsigned d, unsigned bit, uint32_t mask);
/* Whether even parity over the word notices data bits `mask` flipped. */
int ax_parity_detects(uint32_t mask);

#endif
