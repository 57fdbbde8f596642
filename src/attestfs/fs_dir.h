/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listing a directory of either FUSE tree (fs.c, tsm_fs.c): a readdir buffer with its
 * filler, started with "." and "..", to which names are added one by one or through a
 * list callback (vt_afs_node_list, vt_afs_tsm_report_list). Include after <fuse.h>.
 */
#ifndef VT_AFS_FS_DIR_H
#define VT_AFS_FS_DIR_H

typedef struct {
    void *buf;
    fuse_fill_dir_t filler;
} vt_afs_dir_t;

static inline void vt_afs_dir_begin(vt_afs_dir_t *d, void *buf, fuse_fill_dir_t filler)
{
    d->buf = buf;
    d->filler = filler;
    filler(buf, ".", NULL, 0, 0);
    filler(buf, "..", NULL, 0, 0);
}

/* Adds one name; arg is the vt_afs_dir_t (the shape of the list callbacks). */
static inline int vt_afs_dir_add(const char *name, void *arg)
{
    vt_afs_dir_t *d = arg;
    return d->filler(d->buf, name, NULL, 0, 0);
}

#endif
