/*
 * campaign_run.h - injections in worker processes, resumable (campaign_run.c).
 */
#ifndef AX_CAMPAIGN_RUN_H
#define AX_CAMPAIGN_RUN_H

#include "campaign.h"

/* Injections per chunk file. */
#define AX_FC_CHUNK 256

/* Run every injection not yet in folder parts with `jobs` workers; on
 * success *out holds all rows in id order (malloc'd). stop_after > 0 makes
 * each worker die after that many chunks (tests of resume). inj_per_s and
 * ran describe this invocation only. */
int ax_campaign_run(const ax_campaign *c, const char *parts, int jobs, long stop_after,
                    ax_fi_row **out, double *inj_per_s, uint64_t *ran, char *err, size_t errlen);
/* Remove the chunk folder after the results are committed. */
void ax_campaign_parts_remove(const char *parts);

#endif
