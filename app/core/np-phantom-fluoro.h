/* np-phantom-fluoro.h: X-ray projection of a solid model with quantum noise
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-frame.h"
#include "np-types.h"

G_BEGIN_DECLS

/* Patient space in millimetres: x towards the patient's left, y anterior,
 * z cranial. */
typedef struct
{
  double x;
  double y;
  double z;
} NpVec3;

static inline NpVec3
np_vec3 (double x,
         double y,
         double z)
{
  NpVec3 v = { x, y, z };
  return v;
}

typedef enum
{
  NP_SOLID_ELLIPSOID,
  NP_SOLID_CYLINDER,         /* elliptical cross-section, flat ends */
} NpSolidKind;

typedef struct
{
  NpSolidKind kind;
  NpVec3 centre;
  NpVec3 axis[3];            /* orthonormal; a cylinder runs along axis[2] */
  double radius[3];          /* semi-axes; a cylinder's radius[2] is its half-length */
} NpSolid;

NpSolid np_solid_ellipsoid (NpVec3 centre,
                            double rx,
                            double ry,
                            double rz,
                            double turn_about_z_deg);
NpSolid np_solid_sphere    (NpVec3 centre,
                            double radius);
NpSolid np_solid_cylinder  (NpVec3 from,
                            NpVec3 to,
                            double radius_a,
                            double radius_b);
NpSolid np_solid_shrunk    (const NpSolid *solid,
                            double         by_mm);

/* The model: groups of solids. A group is one bone (or the soft tissue):
 * the union of its outer solids, with the union of its inner solids inside
 * (marrow, or a cavity when mu_core is 0). Attenuation coefficients are per
 * mm, relative to what surrounds the group. */
typedef struct _NpPhantomFluoro NpPhantomFluoro;

NpPhantomFluoro *np_phantom_fluoro_new          (void);
void             np_phantom_fluoro_free         (NpPhantomFluoro *model);
guint            np_phantom_fluoro_add_group    (NpPhantomFluoro *model,
                                                 double           mu_shell,
                                                 double           mu_core);
void             np_phantom_fluoro_set_texture  (NpPhantomFluoro *model,
                                                 guint            group,
                                                 double           amount);
void             np_phantom_fluoro_add_solid    (NpPhantomFluoro *model,
                                                 guint            group,
                                                 gboolean         inner,
                                                 const NpSolid   *solid);
double           np_phantom_fluoro_line_integral (const NpPhantomFluoro *model,
                                                  NpVec3                 origin,
                                                  NpVec3                 direction);

/* The C-arm: a point source, a flat detector, a circular collimator. */
typedef struct
{
  guint width;
  guint height;
  double detector_pixel_mm;
  double sid_mm;             /* source to image (detector) */
  double sod_mm;             /* source to object: to the isocentre */
  NpVec3 isocentre;
  NpVec3 beam;               /* unit, source towards detector */
  NpVec3 right;              /* unit, detector direction of image x */
  NpVec3 down;               /* unit, detector direction of image y */
  double field_radius_px;    /* collimator, around the frame centre */
  double photons;            /* mean quanta per pixel behind the middle of the field */
  double scatter_fraction;   /* uniform scatter, as a fraction of photons */
  guint offset;              /* detector dark level */
  guint saturation;          /* largest count the detector records */
  double blur_px;            /* focal spot and detector blur, Gaussian sigma */
  double vignetting;         /* fall-off of brightness at the rim of the field */
  char *header_left;         /* (nullable) */
  char *header_right;        /* (nullable) */
  char *marker;              /* (nullable) side marker, "R" or "L" */
} NpCarm;

void         np_carm_clear           (NpCarm        *carm);
NpVec3       np_carm_source          (const NpCarm  *carm);
double       np_carm_pixel_mm        (const NpCarm  *carm);
NpImagePoint np_carm_project         (const NpCarm  *carm,
                                      NpVec3         point);
double       np_carm_magnification   (const NpCarm  *carm,
                                      NpVec3         point);

NpFrame     *np_phantom_fluoro_render (const NpPhantomFluoro *model,
                                       const NpCarm          *carm,
                                       guint32                seed,
                                       GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPhantomFluoro, np_phantom_fluoro_free)

G_END_DECLS
