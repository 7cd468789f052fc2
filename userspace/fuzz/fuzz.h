/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer targets share. */
#ifndef PMTUFIX_FUZZ_H
#define PMTUFIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a crash: libFuzzer then saves the input. */
#define FUZZ_ASSERT(cond)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n",	\
				__FILE__, __LINE__, #cond);			\
			abort();						\
		}								\
	} while (0)

#endif /* PMTUFIX_FUZZ_H */
