/*
 * ecc.c - parity and extended-Hamming SECDED (ecc.h).
 */
#include "ecc.h"

unsigned ax_secded_check_bits(unsigned d)
{
  unsigned r = 0;
  while ((1u << r) < d + r + 1) r++;
  return r + 1;
}

unsigned ax_secded_data_pos(unsigned b)
{
  unsigned pos = 0, seen = 0;
  for (pos = 1;; pos++) {
    if ((pos & (pos - 1)) == 0) continue; /* power of two: check bit */
    if (seen++ == b) return pos;
  }
}

uint64_t ax_secded_encode(uint64_t data, unsigned d)
{
  uint64_t code = 0;
  unsigned syn = 0;
  for (unsigned b = 0; b < d; b++)
    if (data >> b & 1) {
      unsigned p = ax_secded_data_pos(b);
      code |= 1ull << p;
      syn ^= p;
    }
  /* check bits make the syndrome of the codeword zero */
  for (unsigned k = 1; k < 64 && k <= syn; k <<= 1)
    if (syn & k) code |= 1ull << k;
  /* overall parity (position 0) makes the codeword's weight even */
  if (__builtin_popcountll(code) & 1) code |= 1;
  return code;
}

ax_ecc_status ax_secded_decode(uint64_t code, unsigned d, uint64_t *data)
{
  unsigned n = d + ax_secded_check_bits(d); /* positions 0 .. n-1 */
  unsigned syn = 0;
  for (unsigned p = 1; p < n; p++)
    if (code >> p & 1) syn ^= p;
  int odd = __builtin_popcountll(code) & 1;
  ax_ecc_status st = AX_ECC_CLEAN;
  if (syn == 0 && !odd) st = AX_ECC_CLEAN;
  else if (odd) {
    /* single error (or an odd-weight pattern taken for one): flip it */
    if (syn < n) code ^= 1ull << syn;  /* syn 0: the overall parity bit itself */
    else return AX_ECC_DETECTED;       /* points outside the word */
    st = AX_ECC_CORRECTED;
  } else {
    st = AX_ECC_DETECTED;              /* even weight, nonzero syndrome */
  }
  uint64_t out = 0;
  for (unsigned b = 0; b < d; b++)
    if (code >> ax_secded_data_pos(b) & 1) out |= 1ull << b;
  *data = out;
  return st;
}

int ax_secded_outcome(uint32_t mask, unsigned d)
{
  /* the code is linear: the outcome depends on the error pattern only */
  uint64_t err = 0, data;
  for (unsigned b = 0; b < d; b++)
    if (mask >> b & 1) err |= 1ull << ax_secded_data_pos(b);
  ax_ecc_status st = ax_secded_decode(ax_secded_encode(0, d) ^ err, d, &data);
  if (st == AX_ECC_DETECTED) return 1;
  return data == 0 ? 0 : 2;
}

int ax_parity_detects(uint32_t mask)
{
  return __builtin_popcount(mask) & 1;
}

int ax_secded_word_outcome(unsigned d, unsigned bit, uint32_t mask)
{
  unsigned r = ax_secded_check_bits(d) - 1; /* Hamming check bits */
  unsigned n = d + r + 1, syn = 0, weight = 0, data_err = 0;
  unsigned pos_of[32];
  unsigned np = 0;
  for (unsigned i = 0; i < 32; i++) {
    if (!(mask >> i & 1) || bit + i >= n) continue;
    unsigned p = bit + i;
    unsigned pos = p < d ? ax_secded_data_pos(p) : p < d + r ? 1u << (p - d) : 0;
    pos_of[np++] = pos;
    syn ^= pos;
    weight++;
  }
  if (!weight) return 0;
  /* the code is linear: decode the error pattern on its own */
  if (weight % 2 == 0) {
    if (syn) return 1;
    /* even weight, zero syndrome: a codeword, unseen */
    for (unsigned i = 0; i < np; i++) data_err += pos_of[i] && (pos_of[i] & (pos_of[i] - 1));
    return data_err ? 2 : 0;
  }
  if (syn >= n) return 1; /* points outside the word */
  /* odd weight: the decoder flips position syn; what is left in data bits? */
  int left = 0;
  int fixed = 0;
  for (unsigned i = 0; i < np; i++) {
    if (pos_of[i] == syn && !fixed) {
      fixed = 1;
      continue;
    }
    if (pos_of[i] && (pos_of[i] & (pos_of[i] - 1))) left++;
  }
  if (!fixed && syn && (syn & (syn - 1))) left++; /* a right data bit flipped */
  return left ? 2 : 0;
}
