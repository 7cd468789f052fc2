/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer: compact, or pretty with two-space indents. */
#ifndef PMTUFIX_JSON_H
#define PMTUFIX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pf_json {
	FILE *f;
	bool pretty;
	int depth;
	bool need_comma;	/* a value was written in the current container */
};

void pf_json_init(struct pf_json *j, FILE *f, bool pretty);

/* key is NULL for array members and for the top-level value. */
void pf_json_open_object(struct pf_json *j, const char *key);
void pf_json_close_object(struct pf_json *j);
void pf_json_open_array(struct pf_json *j, const char *key);
void pf_json_close_array(struct pf_json *j);
void pf_json_string(struct pf_json *j, const char *key, const char *val);
void pf_json_uint(struct pf_json *j, const char *key, uint64_t val);
void pf_json_bool(struct pf_json *j, const char *key, bool val);

/* Ends a top-level value with a newline: one document per line. */
void pf_json_end(struct pf_json *j);

/*
 * Write s as a quoted JSON string. Control characters are escaped; bytes
 * that are not valid UTF-8 become U+FFFD so the output is always valid.
 */
void pf_json_escape(FILE *f, const char *s);

#endif /* PMTUFIX_JSON_H */
