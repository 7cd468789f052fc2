/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny TAP producer: "ok N - name" lines, then "N passed, N failed". */
#ifndef PMTUFIX_TAP_H
#define PMTUFIX_TAP_H

#include <stdbool.h>

bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool tap_is_int(long long got, long long want, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "ok N - name # SKIP why": a test that could not run here, said so. */
void tap_skip(const char *name, const char *why);
/* Prints the plan and the totals; returns the exit code. */
int tap_done(void);

#define ok(cond, ...)		tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...)	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)	tap_is_int((got), (want), __FILE__, __LINE__, __VA_ARGS__)

/* The suites, one file each. */
void test_parse(void);
void test_json(void);
void test_conffile(void);
void test_decode(void);
void test_cli(void);
void test_nft(void);
void test_backend(void);
void test_nlack(void);
void test_doctor(void);
void test_http(void);
void test_metrics(void);
void test_relay(void);
void test_sockdiag(void);
void test_nflog(void);

#endif /* PMTUFIX_TAP_H */
