/* libsquashfs, loaded on first use (lazy.h): it brings liblzma, zlib, lz4
 * and zstd, over a millisecond of every start on this kind of host, and
 * only the squashfs backend's writer calls it. */
#include <sqfs/block_processor.h>
#include <sqfs/block_writer.h>
#include <sqfs/compressor.h>
#include <sqfs/dir_writer.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_writer.h>
#include <sqfs/predef.h>
#include <sqfs/super.h>
#include <sqfs/xattr_writer.h>

#include "imagetool/lazy/lazy.h"
#include "imagetool/lazy/libs.h"

static struct lazy_lib libsquashfs = {"libsquashfs.so.1", "libsquashfs1", NULL};

bool libsquashfs_available(void)
{
    return lazy_lib_available(&libsquashfs);
}

LAZY(libsquashfs, int, sqfs_block_processor_append, (sqfs_block_processor_t *p0, const void *p1, size_t p2), (p0, p1, p2))
LAZY(libsquashfs, int, sqfs_block_processor_begin_file, (sqfs_block_processor_t *p0, sqfs_inode_generic_t **p1, void *p2, sqfs_u32 p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_block_processor_create_ex, (const sqfs_block_processor_desc_t *p0, sqfs_block_processor_t **p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_block_processor_end_file, (sqfs_block_processor_t *p0), (p0))
LAZY(libsquashfs, int, sqfs_block_processor_finish, (sqfs_block_processor_t *p0), (p0))
LAZY(libsquashfs, sqfs_block_writer_t *, sqfs_block_writer_create, (sqfs_file_t *p0, size_t p1, sqfs_u32 p2), (p0, p1, p2))
LAZY(libsquashfs, int, sqfs_compressor_config_init, (sqfs_compressor_config_t *p0, SQFS_COMPRESSOR p1, size_t p2, sqfs_u16 p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_compressor_create, (const sqfs_compressor_config_t *p0, sqfs_compressor_t **p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_dir_writer_add_entry, (sqfs_dir_writer_t *p0, const char *p1, sqfs_u32 p2, sqfs_u64 p3, sqfs_u16 p4), (p0, p1, p2, p3, p4))
LAZY(libsquashfs, int, sqfs_dir_writer_begin, (sqfs_dir_writer_t *p0, sqfs_u32 p1), (p0, p1))
LAZY(libsquashfs, sqfs_dir_writer_t *, sqfs_dir_writer_create, (sqfs_meta_writer_t *p0, sqfs_u32 p1), (p0, p1))
LAZY(libsquashfs, sqfs_inode_generic_t *, sqfs_dir_writer_create_inode, (const sqfs_dir_writer_t *p0, size_t p1, sqfs_u32 p2, sqfs_u32 p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_dir_writer_end, (sqfs_dir_writer_t *p0), (p0))
LAZY(libsquashfs, sqfs_frag_table_t *, sqfs_frag_table_create, (sqfs_u32 p0), (p0))
LAZY(libsquashfs, int, sqfs_frag_table_write, (sqfs_frag_table_t *p0, sqfs_file_t *p1, sqfs_super_t *p2, sqfs_compressor_t *p3), (p0, p1, p2, p3))
LAZY_VOID(libsquashfs, void, sqfs_free, (void *p0), (p0))
LAZY(libsquashfs, sqfs_id_table_t *, sqfs_id_table_create, (sqfs_u32 p0), (p0))
LAZY(libsquashfs, int, sqfs_id_table_id_to_index, (sqfs_id_table_t *p0, sqfs_u32 p1, sqfs_u16 *p2), (p0, p1, p2))
LAZY(libsquashfs, int, sqfs_id_table_write, (sqfs_id_table_t *p0, sqfs_file_t *p1, sqfs_super_t *p2, sqfs_compressor_t *p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_inode_make_extended, (sqfs_inode_generic_t *p0), (p0))
LAZY(libsquashfs, int, sqfs_inode_set_xattr_index, (sqfs_inode_generic_t *p0, sqfs_u32 p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_meta_write_write_to_file, (sqfs_meta_writer_t *p0), (p0))
LAZY(libsquashfs, sqfs_meta_writer_t *, sqfs_meta_writer_create, (sqfs_file_t *p0, sqfs_compressor_t *p1, sqfs_u32 p2), (p0, p1, p2))
LAZY(libsquashfs, int, sqfs_meta_writer_flush, (sqfs_meta_writer_t *p0), (p0))
LAZY_VOID(libsquashfs, void, sqfs_meta_writer_get_position, (const sqfs_meta_writer_t *p0, sqfs_u64 *p1, sqfs_u32 *p2), (p0, p1, p2))
LAZY(libsquashfs, int, sqfs_meta_writer_write_inode, (sqfs_meta_writer_t *p0, const sqfs_inode_generic_t *p1), (p0, p1))
LAZY(libsquashfs, sqfs_file_t *, sqfs_open_file, (const char *p0, sqfs_u32 p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_super_init, (sqfs_super_t *p0, size_t p1, sqfs_u32 p2, SQFS_COMPRESSOR p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_super_write, (const sqfs_super_t *p0, sqfs_file_t *p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_xattr_writer_add, (sqfs_xattr_writer_t *p0, const char *p1, const void *p2, size_t p3), (p0, p1, p2, p3))
LAZY(libsquashfs, int, sqfs_xattr_writer_begin, (sqfs_xattr_writer_t *p0, sqfs_u32 p1), (p0, p1))
LAZY(libsquashfs, sqfs_xattr_writer_t *, sqfs_xattr_writer_create, (sqfs_u32 p0), (p0))
LAZY(libsquashfs, int, sqfs_xattr_writer_end, (sqfs_xattr_writer_t *p0, sqfs_u32 *p1), (p0, p1))
LAZY(libsquashfs, int, sqfs_xattr_writer_flush, (const sqfs_xattr_writer_t *p0, sqfs_file_t *p1, sqfs_super_t *p2, sqfs_compressor_t *p3), (p0, p1, p2, p3))
