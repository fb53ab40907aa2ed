/*
 * token_stream.h — a corpus read as a stream of tokens in bounded memory:
 * the textbook's dataset/ptb.py reading without holding the file. The one
 * tokenizer: corpus_load_file and ptb_load_data (datasets/ptb.h) read
 * through it, and `dlfs2 vocab` (the vocabulary pass, issue 19) and
 * `dlfs2 train --vocab`.
 *
 * The input is a file, a gzip file (read with zlib; recognised by its
 * first two bytes, 1f 8b, whatever its name: concatenated members are read
 * one after the other, as gzip -d does), or standard input ("-", which may
 * be gzip too). No UTF-8 text begins with 1f 8b (0x8B is a
 * continuation byte), so no text file is taken for gzip; bytes after the
 * end of the gzip data are ignored, as zlib does. It is read in chunks of TOKEN_STREAM_CHUNK bytes (or the
 * size given); memory is one chunk plus the longest word, whatever the
 * corpus's length.
 *
 * The tokens, checks and messages are those of the in-memory reader
 * datasets/ptb.c had before it read through this one (a copy is kept in
 * tests/test_token_stream.c, which compares the two):
 * words split at blanks (space, tab, CR, VT, FF), every '\n' a token
 * "<eos>", a UTF-8 byte-order mark at the start skipped; a NUL byte, a
 * byte that is not UTF-8 (a sequence cut off by the end of the input
 * included), a word longer than CORPUS_MAX_WORD_BYTES, or no token at all
 * is DLFS_ERR_FORMAT with "path:line: ..." and the byte offset (counted in
 * the uncompressed bytes). A chunk's end inside a word, inside a UTF-8
 * sequence or at a line end changes nothing. One difference: the
 * in-memory reader checks the whole file's encoding before its first word,
 * the stream checks each chunk as it arrives, so in a file with several
 * faults more than a chunk apart the stream reports the first one in the
 * file (a too-long word, say) where the in-memory reader reported the
 * encoding fault.
 *
 * CORPUS_LOWERCASE folds each word with libunistring's u8_tolower, which
 * gives the same words as folding the whole text first (as the in-memory
 * reader did): the only context the case mapping looks at
 * without a language (the final sigma) never reaches across the blanks
 * and line ends that separate words. Offsets in messages about a word
 * count in the folded text, as there.
 *
 * Byte ranges (each thread its part of the file, word2vec.c's way):
 * token_stream_open_range reads, from a plain file, the tokens whose first
 * byte lies in [start, end) (a line end's "<eos>": its '\n' byte), so
 * ranges [0,a), [a,b), [b,size) give the whole file's tokens, each once,
 * in order, wherever a and b fall (inside a word, inside a UTF-8 sequence,
 * at a blank or a line end). A range skips the end of a word begun before
 * it and reads past its end to finish its last word. The checks apply to
 * the bytes a range reads (from its first token's start); in its messages
 * offsets count from the file's start, line numbers from the range's first
 * token (line 1: the file's lines before it are not counted). A range with
 * no tokens is no error (the whole file's emptiness is not checked).
 */
#ifndef DLFS2_DATASETS_TOKEN_STREAM_H
#define DLFS2_DATASETS_TOKEN_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* The default chunk: bytes read from the input at a time. */
#define TOKEN_STREAM_CHUNK ((size_t)1 << 20)

struct TokenStreamInput;

/* A corpus being read; caller-allocated, filled by token_stream_open. */
typedef struct TokenStream {
    char *name;                     /* the path, or "standard input" for "-"; owned, for messages */
    struct TokenStreamInput *in;    /* the zlib reader; owned */
    unsigned flags;                 /* CORPUS_LOWERCASE or 0 */
    char *buf;                      /* (cap,) the bytes read and not yet consumed; owned */
    size_t cap, chunk;
    size_t pos;                     /* the next byte to look at in buf */
    size_t len;                     /* bytes in buf */
    size_t checked;                 /* buf[0..checked) is checked UTF-8 without NUL bytes */
    int eof;                        /* the input has ended (every byte is in buf) */
    uint64_t base;                  /* the input offset of buf[0] (uncompressed bytes) */
    int64_t fold_shift;             /* folded offset - input offset at buf[pos] (CORPUS_LOWERCASE) */
    size_t line;                    /* 1-based line of buf[pos] */
    size_t lines_checked;           /* '\n' bytes in the checked bytes so far, for messages */
    uint64_t tokens;                /* tokens handed out */
    int status;                     /* 0, or the error that stopped the reading */
    int started;                    /* the byte-order mark has been looked for */
    char *word;                     /* (word_cap,) the last token, NUL-terminated; owned */
    size_t word_cap;
    uint64_t end;                   /* tokens starting at this input offset or later are not read
                                       (UINT64_MAX, or token_stream_open_range's end) */
    int ranged;                     /* opened by token_stream_open_range */
} TokenStream;

/*
 * Opens path ("-": standard input) for reading tokens. flags: 0 or
 * CORPUS_LOWERCASE (datasets/ptb.h). chunk: bytes read at a time, 0 for
 * TOKEN_STREAM_CHUNK (the tests use a few bytes to put chunk ends
 * everywhere). Errors: DLFS_ERR_IO (cannot open; the message names the
 * path). On error s holds nothing to free (token_stream_close is harmless).
 */
int token_stream_open(TokenStream *s, const char *path, unsigned flags, size_t chunk,
                      DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Opens the byte range [start, end) of the plain file path: token_stream_next
 * gives the tokens whose first byte lies in it (see the top of this file),
 * then 0. flags and chunk as for token_stream_open. end beyond the file's
 * size reads to its end (UINT64_MAX: the rest of the file); start == end is
 * an empty range. Errors: DLFS_ERR_IO (cannot open or read the file; the
 * message names the path); DLFS_ERR_ARG (path is "-", gzip data, or not a
 * plain file, or start > end). On error s holds nothing to free.
 */
int token_stream_open_range(TokenStream *s, const char *path, unsigned flags, size_t chunk, uint64_t start,
                            uint64_t end, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The size in bytes of the plain file path into *size, to cut it into
 * ranges. Errors: DLFS_ERR_IO (no such file), DLFS_ERR_ARG (not a plain file).
 */
int token_stream_file_size(const char *path, uint64_t *size, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The next token into *word (NUL-terminated, "<eos>" for a line end;
 * borrowed: valid until the next call or token_stream_close) and its
 * length in bytes into *len (either may be NULL). Returns 1 for a token,
 * 0 at the end of the input, or an error: DLFS_ERR_IO (a read failed),
 * DLFS_ERR_FORMAT (see above; a truncated or corrupt gzip input: "path:
 * truncated gzip data ..." or "path: corrupt gzip data ..."; no tokens
 * at all, token_stream_open only: "path: no tokens (the file is empty or
 * only whitespace)").
 * After the end every call returns 0 again; after an error, the error's
 * code again (with a message saying an earlier error stopped the reading).
 */
int token_stream_next(TokenStream *s, const char **word, size_t *len, DlfsError *err) DLFS_WARN_UNUSED;

/* The input's bytes (uncompressed) consumed so far, for progress lines. */
uint64_t token_stream_offset(const TokenStream *s);

/* Closes the input and frees what s holds; safe on a closed or zeroed TokenStream. */
void token_stream_close(TokenStream *s);

DLFS2_API_END

#endif
