/*
 * api.h — what libdlfs2 exports: exactly the functions declared in its
 * installed headers (docs/library.md, "What the library exports").
 *
 * The library is compiled with hidden visibility (-fvisibility=hidden, Meson's
 * gnu_symbol_visibility: 'hidden'), so nothing is exported unless asked. Every
 * installed header puts its declarations between DLFS2_API_BEGIN and
 * DLFS2_API_END (after its #include lines), which gives them default
 * visibility: declared in an installed header = exported, nothing else. A
 * helper declared in a private header (common/check.h, common/fs.h, ...) stays
 * the library's own, so a program's function of the same name cannot replace
 * it inside the library. In C++ the block is also extern "C".
 */
#ifndef DLFS2_COMMON_API_H
#define DLFS2_COMMON_API_H

#if defined(__GNUC__) || defined(__clang__)
#define DLFS2_VISIBILITY_PUSH_ _Pragma("GCC visibility push(default)")
#define DLFS2_VISIBILITY_POP_ _Pragma("GCC visibility pop")
#else
#define DLFS2_VISIBILITY_PUSH_
#define DLFS2_VISIBILITY_POP_
#endif

#ifdef __cplusplus
#define DLFS2_API_BEGIN DLFS2_VISIBILITY_PUSH_ extern "C" {
#define DLFS2_API_END } DLFS2_VISIBILITY_POP_
#else
#define DLFS2_API_BEGIN DLFS2_VISIBILITY_PUSH_
#define DLFS2_API_END DLFS2_VISIBILITY_POP_
#endif

#endif
