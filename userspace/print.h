/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, in the manner of iproute2's
 * print_*(PRINT_ANY, key, fmt, value): every value is written once with its
 * JSON key and its text format; the mode picks which one is used.
 * Text formats take the value as a string ("%s"), whatever its type.
 */
#ifndef PMTUFIX_PRINT_H
#define PMTUFIX_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
	PF_TEXT = 1,
	PF_JSON = 2,
	PF_ANY = PF_TEXT | PF_JSON,
};

void pf_print_init(FILE *f, bool json, bool pretty);
bool pf_print_is_json(void);
FILE *pf_print_file(void);

/* Containers exist only in JSON; text output is shaped by its formats. */
void pf_open_object(const char *key);
void pf_close_object(void);
void pf_open_array(const char *key);
void pf_close_array(void);

void pf_print_string(int where, const char *key, const char *fmt, const char *val);
void pf_print_uint(int where, const char *key, const char *fmt, uint64_t val);
/* Text shows "on" or "off". */
void pf_print_bool(int where, const char *key, const char *fmt, bool val);
void pf_print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends one JSON document (a line, unless pretty); flushes either way. */
void pf_print_end(void);

#endif /* PMTUFIX_PRINT_H */
