/* np-phantom-sites-fluoro.c: fluoroscopy site templates of NpPhantom
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-approach.h"
#include "np-json-util.h"
#include "np-phantom-fluoro.h"
#include "np-phantom-private.h"

#include <math.h>

#define DEG (G_PI / 180.0)

/* Linear attenuation near 60 keV, per mm (ICRU 44 / NIST XCOM): soft
 * tissue 0.021, cortical bone 0.051, cancellous bone about 0.029, steel
 * about 0.9. Bones are given relative to the soft tissue around them. */
#define MU_SOFT 0.021
#define MU_CORTEX (0.051 - MU_SOFT)
#define MU_CANCELLOUS (0.029 - MU_SOFT)
#define MU_STEEL (0.9 - MU_SOFT)
#define SPHERE_DIAMETER_MM 25.0

/* A structure to avoid, still in 3-D: an ellipsoid shown by its exact
 * silhouette, or a tube (vessel, nerve) shown as a band around the
 * projection of its centre line. */
typedef struct
{
  const char *label;
  NpStructureKind kind;
  gboolean in_lateral;          /* FALSE: only meaningful in the AP view */
  gboolean is_tube;
  NpSolid solid;
  NpVec3 line[4];
  guint n_line;
  double radius_mm;
} Structure3D;

typedef struct
{
  NpPhantomCase *c;
  NpPhantomFluoro *model;
  double mirror;                /* -1: a left joint, the right one mirrored */
  /* soft tissue: an elliptical cylinder along the limb (z) */
  NpVec3 limb_centre;
  double limb_rx, limb_ry;
  double target_depth_mm;       /* from the anterior skin */
  NpVec3 sphere_centre;
  double isocentre_dz;
  double target_region_mm;
  GArray *structures;           /* Structure3D */
  const char *name;             /* for the header, e.g. "HIP" */
} FluoroBuild;

static NpVec3
mirrored (const FluoroBuild *b,
          NpVec3             p)
{
  return np_vec3 (b->mirror * p.x, p.y, p.z);
}

static NpSolid
mirrored_solid (const FluoroBuild *b,
                const NpSolid     *solid)
{
  NpSolid out = *solid;

  out.centre = mirrored (b, solid->centre);
  for (guint i = 0; i < 3; i++)
    out.axis[i] = mirrored (b, solid->axis[i]);
  return out;
}

static NpVec3
add3 (NpVec3 a,
      NpVec3 b)
{
  return np_vec3 (a.x + b.x, a.y + b.y, a.z + b.z);
}

static NpVec3
scale3 (NpVec3 a,
        double s)
{
  return np_vec3 (a.x * s, a.y * s, a.z * s);
}

static double
dot3 (NpVec3 a,
      NpVec3 b)
{
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

static NpVec3
unit3 (double x,
       double y,
       double z)
{
  double n = sqrt (x * x + y * y + z * z);
  return np_vec3 (x / n, y / n, z / n);
}

static double
draw (FluoroBuild *b,
      const char  *name,
      double       lo,
      double       hi)
{
  return np_phantom_case_draw (b->c, name, lo, hi, 100);
}

/* A bone: cortex over a cancellous core, mottled like trabecular bone. */
static guint
add_bone (FluoroBuild *b)
{
  guint group = np_phantom_fluoro_add_group (b->model, MU_CORTEX, MU_CANCELLOUS);

  np_phantom_fluoro_set_texture (b->model, group, 0.12);
  return group;
}

static void
add_bone_solid (FluoroBuild   *b,
                guint          group,
                NpSolid        solid,
                double         cortex_mm)
{
  NpSolid outer = mirrored_solid (b, &solid);
  NpSolid inner = np_solid_shrunk (&outer, cortex_mm);

  np_phantom_fluoro_add_solid (b->model, group, FALSE, &outer);
  np_phantom_fluoro_add_solid (b->model, group, TRUE, &inner);
}

static void
add_solid (FluoroBuild *b,
           guint        group,
           gboolean     inner,
           NpSolid      solid)
{
  NpSolid out = mirrored_solid (b, &solid);

  np_phantom_fluoro_add_solid (b->model, group, inner, &out);
}

static void
add_silhouette_structure (FluoroBuild     *b,
                          const char      *label,
                          NpStructureKind  kind,
                          gboolean         in_lateral,
                          NpSolid          solid)
{
  Structure3D s = { 0 };

  s.label = label;
  s.kind = kind;
  s.in_lateral = in_lateral;
  s.solid = mirrored_solid (b, &solid);
  g_array_append_val (b->structures, s);
}

static void
add_tube_structure (FluoroBuild     *b,
                    const char      *label,
                    NpStructureKind  kind,
                    double           radius_mm,
                    const NpVec3    *line,
                    guint            n_line)
{
  Structure3D s = { 0 };

  g_return_if_fail (n_line <= G_N_ELEMENTS (s.line));
  s.label = label;
  s.kind = kind;
  s.is_tube = TRUE;
  s.radius_mm = radius_mm;
  s.n_line = n_line;
  for (guint i = 0; i < n_line; i++)
    s.line[i] = mirrored (b, line[i]);
  g_array_append_val (b->structures, s);
}

/* ---- hip: femoral head and neck, acetabulum ---------------------------- */

static void
build_hip (FluoroBuild *b)
{
  double head_r, neck_shaft, anteversion, neck_len, neck_a, neck_b, shaft_r, along;
  NpVec3 h, ant, head, base, shaft_top;
  guint femur, pelvis;

  head_r = draw (b, "femoral_head_radius_mm", 22, 26);
  neck_shaft = np_phantom_case_draw (b->c, "neck_shaft_angle_deg", 125, 135, 10);
  anteversion = np_phantom_case_draw (b->c, "anteversion_deg", 8, 18, 10);
  neck_len = draw (b, "neck_length_mm", 45, 55);
  neck_a = draw (b, "neck_radius_coronal_mm", 14, 16);
  neck_b = draw (b, "neck_radius_ap_mm", 11.5, 13.5);
  shaft_r = draw (b, "shaft_radius_mm", 13, 16);
  b->target_depth_mm = draw (b, "target_depth_mm", 45, 85);
  b->limb_rx = draw (b, "body_half_width_mm", 150, 175);
  b->limb_ry = draw (b, "body_half_depth_mm", 105, 130);
  b->isocentre_dz = draw (b, "isocentre_above_target_mm", 5, 12);

  /* Right hip: medial is +x. The neck runs from the head down and out to
   * the trochanters; the target is on its anterior surface, just past the
   * edge of the head: the head-neck junction. */
  h = unit3 (sin (neck_shaft * DEG) * cos (anteversion * DEG),
             sin (neck_shaft * DEG) * sin (anteversion * DEG), -cos (neck_shaft * DEG));
  ant = np_vec3 (0, 1, 0);
  ant = unit3 (ant.x - dot3 (ant, h) * h.x, ant.y - dot3 (ant, h) * h.y,
               ant.z - dot3 (ant, h) * h.z);
  along = sqrt ((head_r + 1.5) * (head_r + 1.5) - (neck_b + 1.0) * (neck_b + 1.0)) + 1.0;
  head = add3 (scale3 (h, along), scale3 (ant, -(neck_b + 1.0)));
  base = add3 (head, scale3 (h, -neck_len));
  shaft_top = add3 (base, np_vec3 (4, 0, -8));
  np_phantom_case_record (b->c, "head_centre_x_mm", head.x);
  np_phantom_case_record (b->c, "head_centre_y_mm", head.y);
  np_phantom_case_record (b->c, "head_centre_z_mm", head.z);

  femur = add_bone (b);
  add_bone_solid (b, femur, np_solid_sphere (head, head_r), 3.0);
  add_bone_solid (b, femur, np_solid_cylinder (head, base, neck_a, neck_b), 3.5);
  add_bone_solid (b, femur, np_solid_cylinder (add3 (shaft_top, np_vec3 (0, 0, 10)),
                                               add3 (shaft_top, np_vec3 (0, 0, -200)),
                                               shaft_r, shaft_r), 5.0);
  add_bone_solid (b, femur, np_solid_ellipsoid (add3 (base, np_vec3 (-10, -6, 10)), 15, 14, 20,
                                                0), 3.0);
  add_bone_solid (b, femur, np_solid_ellipsoid (add3 (shaft_top, np_vec3 (13, -9, -30)), 8, 7,
                                                10, 0), 2.5);

  /* Pelvis around the head: ilium above, the acetabular walls, pubic and
   * ischial rami; the socket is a cavity a little larger than the head. */
  pelvis = np_phantom_fluoro_add_group (b->model, 0.018, 0.0);
  add_solid (b, pelvis, FALSE, np_solid_ellipsoid (add3 (head, np_vec3 (18, -8, 40)), 32, 38,
                                                   42, 0));
  add_solid (b, pelvis, FALSE, np_solid_ellipsoid (add3 (head, np_vec3 (8, -6, 8)), head_r + 9,
                                                   head_r + 10, head_r + 6, 0));
  add_solid (b, pelvis, FALSE, np_solid_cylinder (add3 (head, np_vec3 (14, 8, -6)),
                                                  add3 (head, np_vec3 (75, 25, -14)), 9, 7));
  add_solid (b, pelvis, FALSE, np_solid_ellipsoid (add3 (head, np_vec3 (12, -18, -40)), 14, 16,
                                                   24, 0));
  add_solid (b, pelvis, TRUE, np_solid_sphere (head, head_r + 2.5));

  b->limb_centre = np_vec3 (draw (b, "body_centre_medial_mm", 70, 100), 0, 0);
  b->sphere_centre = np_vec3 (-64, 10, -30);
  b->target_region_mm = 4.0;
  b->name = "HIP";

  add_silhouette_structure (b, "femoral head", NP_STRUCTURE_BONE, TRUE,
                            np_solid_sphere (head, head_r));
  {
    NpVec3 artery[] = {
      add3 (head, np_vec3 (0.55 * head_r + 4, head_r + 11, 60)),
      add3 (head, np_vec3 (0.45 * head_r + 4, head_r + 12, 0)),
      add3 (head, np_vec3 (0.35 * head_r + 4, head_r + 13, -70)),
    };
    add_tube_structure (b, "femoral artery", NP_STRUCTURE_VESSEL, 4.0, artery,
                        G_N_ELEMENTS (artery));
  }
}

/* ---- knee: femoral condyles, tibial plateau, patella, fibula ------------ */

static void
build_knee (FluoroBuild *b)
{
  double gap, patella_up, patella_forward;
  NpVec3 k;
  NpSolid lateral_condyle, patella;
  guint femur, tibia, fibula, patella_group;

  gap = draw (b, "joint_space_mm", 4, 7);
  patella_up = draw (b, "patella_height_mm", 20, 28);
  patella_forward = draw (b, "patella_forward_mm", 0, 4);
  b->limb_rx = draw (b, "limb_half_width_mm", 48, 58);
  b->limb_ry = draw (b, "limb_half_depth_mm", 46, 54);
  b->target_depth_mm = draw (b, "target_depth_mm", 36, 44);
  b->isocentre_dz = 0;

  /* Right knee, lateral is -x. The target is the front of the lateral
   * joint space (anterolateral portal); k is the centre of the joint. */
  k = np_vec3 (20, -12, 0);

  femur = add_bone (b);
  lateral_condyle = np_solid_ellipsoid (add3 (k, np_vec3 (-20, -6, gap / 2 + 22)), 15, 28, 22, 0);
  add_bone_solid (b, femur, lateral_condyle, 2.5);
  add_bone_solid (b, femur, np_solid_ellipsoid (add3 (k, np_vec3 (20, -6, gap / 2 + 24)), 16, 29,
                                                24, 0), 2.5);
  add_bone_solid (b, femur, np_solid_ellipsoid (add3 (k, np_vec3 (0, -6, 55)), 36, 26, 35, 0),
                  2.5);
  add_bone_solid (b, femur, np_solid_ellipsoid (add3 (k, np_vec3 (0, 10, 35)), 22, 12, 18, 0),
                  2.0);
  add_bone_solid (b, femur, np_solid_cylinder (add3 (k, np_vec3 (0, -4, 70)),
                                               add3 (k, np_vec3 (0, -4, 260)), 15, 15), 5.0);

  tibia = add_bone (b);
  /* plateau: a thin flat-topped rim over a flaring metaphysis */
  add_bone_solid (b, tibia, np_solid_cylinder (add3 (k, np_vec3 (0, -8, -gap / 2 - 3)),
                                               add3 (k, np_vec3 (0, -8, -gap / 2)), 36, 25), 1.0);
  add_bone_solid (b, tibia, np_solid_ellipsoid (add3 (k, np_vec3 (0, -7, -gap / 2 - 22)), 37, 26,
                                                24, 0), 2.5);
  add_bone_solid (b, tibia, np_solid_cylinder (add3 (k, np_vec3 (2, -4, -50)),
                                               add3 (k, np_vec3 (2, -4, -250)), 14, 14), 5.0);
  add_bone_solid (b, tibia, np_solid_ellipsoid (add3 (k, np_vec3 (-5, -6, -gap / 2 + 2)), 4, 8, 5,
                                                0), 1.5);
  add_bone_solid (b, tibia, np_solid_ellipsoid (add3 (k, np_vec3 (5, -6, -gap / 2 + 2)), 4, 8, 5,
                                                0), 1.5);
  add_bone_solid (b, tibia, np_solid_ellipsoid (add3 (k, np_vec3 (0, 18, -gap / 2 - 30)), 10, 8,
                                                12, 0), 2.0);

  fibula = add_bone (b);
  add_bone_solid (b, fibula, np_solid_ellipsoid (add3 (k, np_vec3 (-34, -20, -gap / 2 - 18)), 10,
                                                 10, 13, 0), 2.0);
  add_bone_solid (b, fibula, np_solid_cylinder (add3 (k, np_vec3 (-35, -20, -28)),
                                                add3 (k, np_vec3 (-37, -20, -250)), 7, 7), 2.5);

  patella_group = add_bone (b);
  patella = np_solid_ellipsoid (add3 (k, np_vec3 (0, 34 + patella_forward, patella_up)), 22, 10,
                                22, 0);
  add_bone_solid (b, patella_group, patella, 2.0);

  b->limb_centre = np_vec3 (k.x, 0, 0);
  b->sphere_centre = np_vec3 (-50, 10, -48);
  b->target_region_mm = 3.0;
  b->name = "KNEE";

  add_silhouette_structure (b, "lateral femoral condyle", NP_STRUCTURE_BONE, TRUE,
                            lateral_condyle);
  add_silhouette_structure (b, "patella", NP_STRUCTURE_BONE, TRUE, patella);
  {
    NpVec3 nerve[] = {
      add3 (k, np_vec3 (-40, -35, 45)),
      add3 (k, np_vec3 (-44, -28, -20)),
      add3 (k, np_vec3 (-42, -16, -40)),
      add3 (k, np_vec3 (-30, -6, -55)),
    };
    add_tube_structure (b, "common peroneal nerve", NP_STRUCTURE_NERVE, 2.5, nerve,
                        G_N_ELEMENTS (nerve));
  }
}

/* ---- shoulder: humeral head, glenoid, scapula, clavicle ----------------- */

static void
build_shoulder (FluoroBuild *b)
{
  double head_r, glenoid_turn;
  NpVec3 dir, head, g;
  NpSolid glenoid;
  guint humerus, scapula, clavicle, lung;

  head_r = draw (b, "humeral_head_radius_mm", 22, 26);
  glenoid_turn = np_phantom_case_draw (b->c, "glenoid_version_deg", -25, -15, 10);
  b->limb_rx = draw (b, "shoulder_half_width_mm", 85, 100);
  b->limb_ry = draw (b, "shoulder_half_depth_mm", 60, 72);
  b->target_depth_mm = draw (b, "target_depth_mm", 40, 65);
  b->isocentre_dz = 8;

  /* Right shoulder, lateral is -x. Target: on the anteromedial surface of
   * the head, in its lower half, next to the glenoid (anterior approach). */
  dir = unit3 (0.45, 0.85, -0.30);
  head = scale3 (dir, -(head_r + 1.0));
  g = np_vec3 (cos (glenoid_turn * DEG), sin (glenoid_turn * DEG), 0);
  np_phantom_case_record (b->c, "head_centre_x_mm", head.x);
  np_phantom_case_record (b->c, "head_centre_y_mm", head.y);
  np_phantom_case_record (b->c, "head_centre_z_mm", head.z);

  humerus = add_bone (b);
  add_bone_solid (b, humerus, np_solid_sphere (head, head_r), 3.0);
  add_bone_solid (b, humerus, np_solid_ellipsoid (add3 (head, np_vec3 (-head_r + 4, 2, 6)), 11,
                                                  15, 14, 0), 2.5);
  add_bone_solid (b, humerus, np_solid_ellipsoid (add3 (head, np_vec3 (-10, -2, -25)), 18, 17, 22,
                                                  0), 3.0);
  add_bone_solid (b, humerus, np_solid_cylinder (add3 (head, np_vec3 (-6, 0, -10)),
                                                 add3 (head, np_vec3 (-20, -5, -200)), 14, 14),
                  5.0);

  scapula = add_bone (b);
  glenoid = np_solid_ellipsoid (add3 (head, scale3 (g, head_r + 9)), 6, 14, 19, glenoid_turn);
  add_bone_solid (b, scapula, glenoid, 2.0);
  add_bone_solid (b, scapula, np_solid_ellipsoid (add3 (add3 (head, scale3 (g, head_r + 22)),
                                                        np_vec3 (0, 0, -5)), 14, 9, 28,
                                                  glenoid_turn), 2.0);
  add_bone_solid (b, scapula, np_solid_ellipsoid (add3 (add3 (head, scale3 (g, head_r + 70)),
                                                        np_vec3 (0, -20, -25)), 60, 5, 70, -35),
                  1.5);
  add_bone_solid (b, scapula, np_solid_ellipsoid (add3 (head, np_vec3 (-8, -12, head_r + 16)), 26,
                                                  14, 6, 20), 2.0);
  add_bone_solid (b, scapula, np_solid_cylinder (add3 (head, np_vec3 (head_r + 10, -5, 14)),
                                                 add3 (head, np_vec3 (head_r + 14, 22, 6)), 6, 6),
                  1.5);

  clavicle = add_bone (b);
  add_bone_solid (b, clavicle, np_solid_cylinder (add3 (head, np_vec3 (-12, 5, head_r + 24)),
                                                  add3 (head, np_vec3 (110, 30, head_r + 40)), 8,
                                                  8), 3.0);

  /* the lung medially lets more quanta through than the soft tissue would */
  lung = np_phantom_fluoro_add_group (b->model, -0.017, 0);
  add_solid (b, lung, FALSE, np_solid_ellipsoid (add3 (head, np_vec3 (115, -10, -45)), 60, 55, 110,
                                                 0));

  b->limb_centre = np_vec3 (head.x + 35, 0, 0);
  b->sphere_centre = np_vec3 (-62, 10, -30);
  b->target_region_mm = 4.0;
  b->name = "SHOULDER";

  add_silhouette_structure (b, "humeral head", NP_STRUCTURE_BONE, TRUE,
                            np_solid_sphere (head, head_r));
  add_silhouette_structure (b, "glenoid", NP_STRUCTURE_BONE, FALSE, glenoid);
  {
    NpVec3 bundle[] = {
      add3 (head, np_vec3 (head_r + 22, 30, 35)),
      add3 (head, np_vec3 (head_r + 14, 32, -5)),
      add3 (head, np_vec3 (head_r + 6, 30, -45)),
    };
    add_tube_structure (b, "axillary artery and brachial plexus", NP_STRUCTURE_VESSEL, 5.0, bundle,
                        G_N_ELEMENTS (bundle));
  }
}

/* ---- projection of the marks ------------------------------------------- */

/* The exact outline of an ellipsoid seen from the source: the tangent
 * points form a circle on the unit sphere of the ellipsoid's own frame. */
static GArray *
silhouette (const NpCarm  *carm,
            const NpSolid *solid)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  NpVec3 source = np_carm_source (carm);
  NpVec3 rel = np_vec3 (source.x - solid->centre.x, source.y - solid->centre.y,
                        source.z - solid->centre.z);
  double s[3], norm2, rho, e1[3], e2[3], helper[3] = { 1, 0, 0 };

  for (guint i = 0; i < 3; i++)
    s[i] = dot3 (rel, solid->axis[i]) / solid->radius[i];
  norm2 = s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
  rho = sqrt (1 - 1 / norm2);
  if (fabs (s[0]) > 0.9 * sqrt (norm2))
    {
      helper[0] = 0;
      helper[1] = 1;
    }
  /* e1, e2: orthonormal, perpendicular to s */
  e1[0] = helper[1] * s[2] - helper[2] * s[1];
  e1[1] = helper[2] * s[0] - helper[0] * s[2];
  e1[2] = helper[0] * s[1] - helper[1] * s[0];
  {
    double n = sqrt (e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    for (guint i = 0; i < 3; i++)
      e1[i] /= n;
  }
  e2[0] = (s[1] * e1[2] - s[2] * e1[1]) / sqrt (norm2);
  e2[1] = (s[2] * e1[0] - s[0] * e1[2]) / sqrt (norm2);
  e2[2] = (s[0] * e1[1] - s[1] * e1[0]) / sqrt (norm2);

  for (guint k = 0; k < 64; k++)
    {
      double a = k * 2 * G_PI / 64;
      NpVec3 world = solid->centre;
      NpImagePoint p;

      for (guint i = 0; i < 3; i++)
        {
          double q = s[i] / norm2 + rho * (cos (a) * e1[i] + sin (a) * e2[i]);
          world = add3 (world, scale3 (solid->axis[i], q * solid->radius[i]));
        }
      p = np_carm_project (carm, world);
      g_array_append_val (points, p);
    }
  return points;
}

/* A band as wide as the tube, around its projected centre line. */
static GArray *
tube_band (const NpCarm      *carm,
           const Structure3D *s)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  NpImagePoint centre[G_N_ELEMENTS (s->line)];
  double half[G_N_ELEMENTS (s->line)], nx[G_N_ELEMENTS (s->line)], ny[G_N_ELEMENTS (s->line)];

  for (guint i = 0; i < s->n_line; i++)
    {
      centre[i] = np_carm_project (carm, s->line[i]);
      half[i] = s->radius_mm * np_carm_magnification (carm, s->line[i]) / carm->detector_pixel_mm;
    }
  for (guint i = 0; i < s->n_line; i++)
    {
      guint a = i > 0 ? i - 1 : 0, b = MIN (i + 1, s->n_line - 1);
      double dx = centre[b].x - centre[a].x, dy = centre[b].y - centre[a].y;
      double n = hypot (dx, dy);

      nx[i] = -dy / n;
      ny[i] = dx / n;
    }
  for (guint i = 0; i < s->n_line; i++)
    {
      NpImagePoint p = { centre[i].x + half[i] * nx[i], centre[i].y + half[i] * ny[i] };
      g_array_append_val (points, p);
    }
  for (guint i = s->n_line; i-- > 0;)
    {
      /* cppcheck-suppress uninitvar ; the three loops above fill every i < n_line */
      NpImagePoint p = { centre[i].x - half[i] * nx[i], centre[i].y - half[i] * ny[i] };
      g_array_append_val (points, p);
    }
  return points;
}

static JsonArray *
json_vec3 (NpVec3 v)
{
  JsonArray *array = json_array_new ();

  json_array_add_double_element (array, v.x);
  json_array_add_double_element (array, v.y);
  json_array_add_double_element (array, v.z);
  return array;
}

static JsonObject *
describe_carm (const NpCarm *carm,
               NpView        view,
               guint32       render_seed)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "kind", "fluoroscopy");
  json_object_set_string_member (o, "view", np_view_to_string (view));
  json_object_set_double_member (o, "pixel_size_mm", np_carm_pixel_mm (carm));
  json_object_set_double_member (o, "detector_pixel_mm", carm->detector_pixel_mm);
  json_object_set_double_member (o, "sid_mm", carm->sid_mm);
  json_object_set_double_member (o, "sod_mm", carm->sod_mm);
  json_object_set_double_member (o, "magnification", carm->sid_mm / carm->sod_mm);
  json_object_set_array_member (o, "isocentre_mm", json_vec3 (carm->isocentre));
  json_object_set_array_member (o, "source_mm", json_vec3 (np_carm_source (carm)));
  json_object_set_array_member (o, "beam", json_vec3 (carm->beam));
  json_object_set_array_member (o, "image_right", json_vec3 (carm->right));
  json_object_set_array_member (o, "image_down", json_vec3 (carm->down));
  json_object_set_double_member (o, "field_radius_px", carm->field_radius_px);
  json_object_set_double_member (o, "photons_per_pixel", carm->photons);
  json_object_set_double_member (o, "scatter_fraction", carm->scatter_fraction);
  json_object_set_double_member (o, "blur_px", carm->blur_px);
  json_object_set_double_member (o, "vignetting", carm->vignetting);
  json_object_set_int_member (o, "dark_offset", carm->offset);
  json_object_set_int_member (o, "saturation_counts", carm->saturation);
  json_object_set_string_member (o, "pixel_values",
                                 "16-bit: dark offset + detector counts; dense is dark");
  json_object_set_int_member (o, "render_seed", render_seed);
  return o;
}

/**
 * np_phantom_build_fluoroscopy:
 *
 * Builds the 3-D model of the site of @phantom_case, places the C-arm for
 * @view (AP: beam from behind, the patient's right on the image's left;
 * lateral: beam from the other side, anterior on the image's right; in both
 * the long axis runs down the image), renders it and fills the plan. The
 * anatomy is drawn before the view matters, so AP and lateral of one seed
 * show the same model.
 */
gboolean
np_phantom_build_fluoroscopy (NpPhantomCase  *phantom_case,
                              NpView          view,
                              GError        **error)
{
  FluoroBuild b = { 0 };
  NpCarm carm = { 0 };
  NpPlan *plan = phantom_case->plan;
  NpVec3 target = np_vec3 (0, 0, 0), entry;
  double pixels_per_metre, h, depth;
  guint32 render_seed = phantom_case->seed * 747796405u + 2891336453u
                        + (view == NP_VIEW_LATERAL ? 0x9e3779b9u : 0);
  gboolean ok = FALSE;
  JsonObject *sphere;

  b.c = phantom_case;
  b.mirror = phantom_case->side == NP_SIDE_LEFT ? -1 : 1;
  b.model = np_phantom_fluoro_new ();
  b.structures = g_array_new (FALSE, TRUE, sizeof (Structure3D));

  /* The C-arm: 1000 mm source to detector, 0.3 mm detector pixels; the
   * source-to-isocentre distance is drawn so that the pixel size at the
   * isocentre is 1 / N mm for a whole N (the PNG stores it exactly). */
  pixels_per_metre = np_phantom_case_draw (phantom_case, "pixels_per_metre_at_isocentre", 4000,
                                           4600, 1);
  switch (plan->site)
    {
    case NP_SITE_HIP:
      build_hip (&b);
      break;
    case NP_SITE_KNEE:
      build_knee (&b);
      break;
    case NP_SITE_SHOULDER:
      build_shoulder (&b);
      break;
    default:
      g_critical ("no fluoroscopy template for the site “%s”", np_site_to_string (plan->site));
      goto out;
    }

  /* Soft tissue: the anterior skin is target_depth_mm in front of the
   * target, in the plane of the target. */
  h = b.limb_ry * sqrt (1 - (b.limb_centre.x / b.limb_rx) * (b.limb_centre.x / b.limb_rx));
  b.limb_centre.y = b.target_depth_mm - h;
  {
    guint soft = np_phantom_fluoro_add_group (b.model, MU_SOFT, 0);
    NpSolid limb = np_solid_cylinder (add3 (b.limb_centre, np_vec3 (0, 0, -400)),
                                      add3 (b.limb_centre, np_vec3 (0, 0, 400)), b.limb_rx,
                                      b.limb_ry);
    guint steel = np_phantom_fluoro_add_group (b.model, MU_STEEL, 0);

    add_solid (&b, soft, FALSE, limb);
    add_solid (&b, steel, FALSE, np_solid_sphere (b.sphere_centre, SPHERE_DIAMETER_MM / 2));
  }
  depth = b.target_depth_mm;
  entry = np_vec3 (0, depth, 0);

  carm.width = 800;
  carm.height = 600;
  carm.detector_pixel_mm = 0.3;
  carm.sid_mm = 1000;
  carm.sod_mm = carm.sid_mm * (1000.0 / pixels_per_metre) / carm.detector_pixel_mm;
  carm.isocentre = mirrored (&b, np_vec3 (target.x, target.y, target.z + b.isocentre_dz));
  carm.down = np_vec3 (0, 0, -1);
  if (view == NP_VIEW_AP)
    {
      carm.beam = np_vec3 (0, 1, 0);
      carm.right = np_vec3 (1, 0, 0);
    }
  else
    {
      /* from the other side through to a detector against the joint */
      carm.beam = np_vec3 (-b.mirror, 0, 0);
      carm.right = np_vec3 (0, 1, 0);
    }
  carm.field_radius_px = 370;
  carm.photons = 600;
  carm.scatter_fraction = 0.12;
  carm.offset = 64;
  carm.saturation = 4031;
  carm.blur_px = 0.8;
  carm.vignetting = 0.25;
  carm.header_left = g_strdup_printf ("SYNTHETIC - %s %s %s",
                                      phantom_case->side == NP_SIDE_LEFT ? "L" : "R", b.name,
                                      view == NP_VIEW_AP ? "AP" : "LAT");
  carm.header_right = g_strdup_printf ("SID %.0f  SOD %.0f", carm.sid_mm, carm.sod_mm);
  carm.marker = g_strdup (phantom_case->side == NP_SIDE_LEFT ? "L" : "R");

  phantom_case->frame = np_phantom_fluoro_render (b.model, &carm, render_seed, error);
  if (phantom_case->frame == NULL)
    goto out;
  /* exactly 1 / N mm, as the PNG will store it */
  phantom_case->pixel_mm = 1000.0 / pixels_per_metre;
  np_frame_set_declared_pixel_size (phantom_case->frame, phantom_case->pixel_mm,
                                    phantom_case->pixel_mm);
  phantom_case->target_depth_mm = depth;

  plan->modality = NP_MODALITY_FLUOROSCOPY;
  plan->technique = NP_TECHNIQUE_COAXIAL;
  /* The C-arm's own geometry, so two views triangulate the cone beams. */
  plan->has_geometry = TRUE;
  plan->geometry.sid_mm = carm.sid_mm;
  plan->geometry.sod_mm = carm.sod_mm;
  plan->geometry.detector_pixel_mm[0] = carm.detector_pixel_mm;
  plan->geometry.detector_pixel_mm[1] = carm.detector_pixel_mm;
  plan->geometry.central_ray = np_image_point (carm.width / 2.0, carm.height / 2.0);
  plan->has_target = TRUE;
  plan->target = np_carm_project (&carm, mirrored (&b, target));
  plan->has_entry = TRUE;
  if (view == NP_VIEW_AP)
    {
      /* coaxial: the entry lies over the target, hub over tip */
      plan->entry = plan->target;
      plan->skin_kind = NP_SKIN_NONE;
    }
  else
    {
      plan->entry = np_carm_project (&carm, mirrored (&b, entry));
      plan->skin_kind = NP_SKIN_POLYLINE;
      for (int k = -1; k <= 1; k++)
        {
          NpImagePoint p = np_carm_project (&carm, mirrored (&b, np_vec3 (0, depth, 50.0 * k)));
          g_array_append_val (plan->skin_points, p);
        }
    }
  for (guint k = 0; k < 32; k++)
    {
      double a = k * 2 * G_PI / 32;
      NpVec3 offset = add3 (scale3 (carm.right, b.target_region_mm * cos (a)),
                            scale3 (carm.down, b.target_region_mm * sin (a)));
      NpImagePoint p = np_carm_project (&carm, add3 (mirrored (&b, target), offset));
      g_array_append_val (plan->target_region, p);
    }
  for (guint i = 0; i < b.structures->len; i++)
    {
      const Structure3D *s = &g_array_index (b.structures, Structure3D, i);
      g_autoptr(GArray) outline = NULL;
      NpStructure *structure;

      if (view == NP_VIEW_LATERAL && !s->in_lateral)
        continue;
      outline = s->is_tube ? tube_band (&carm, s) : silhouette (&carm, &s->solid);
      structure = np_structure_new (s->label, s->kind, NP_SHAPE_POLYGON,
                                    np_approach_default_margin (np_approach_lookup (
                                                                  phantom_case->approach_id),
                                                                s->kind));
      for (guint k = 0; k < outline->len; k++)
        np_structure_add_point (structure, g_array_index (outline, NpImagePoint, k));
      g_ptr_array_add (plan->structures, structure);
    }

  phantom_case->scanner = describe_carm (&carm, view, render_seed);
  phantom_case->extra = json_object_new ();
  json_object_set_array_member (phantom_case->extra, "target_3d_mm",
                                json_vec3 (mirrored (&b, target)));
  json_object_set_array_member (phantom_case->extra, "entry_3d_mm",
                                json_vec3 (mirrored (&b, entry)));
  json_object_set_boolean_member (phantom_case->extra, "depth_visible_in_this_view",
                                  view == NP_VIEW_LATERAL);
  sphere = json_object_new ();
  {
    NpSolid ball = np_solid_sphere (mirrored (&b, b.sphere_centre), SPHERE_DIAMETER_MM / 2);
    g_autoptr(GArray) outline = silhouette (&carm, &ball);
    double magnification = np_carm_magnification (&carm, ball.centre);
    double x0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y0 = G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

    for (guint k = 0; k < outline->len; k++)
      {
        NpImagePoint p = g_array_index (outline, NpImagePoint, k);
        x0 = MIN (x0, p.x);
        x1 = MAX (x1, p.x);
        y0 = MIN (y0, p.y);
        y1 = MAX (y1, p.y);
      }
    json_object_set_double_member (sphere, "diameter_mm", SPHERE_DIAMETER_MM);
    json_object_set_array_member (sphere, "centre_3d_mm", json_vec3 (ball.centre));
    json_object_set_array_member (sphere, "centre_px",
                                  np_json_array_new_point (np_carm_project (&carm, ball.centre)));
    json_object_set_double_member (sphere, "apparent_diameter_px", (x1 - x0 + y1 - y0) / 2);
    json_object_set_double_member (sphere, "magnification", magnification);
    json_object_set_double_member (sphere, "pixel_size_at_sphere_mm",
                                   carm.detector_pixel_mm / magnification);
    json_object_set_array_member (sphere, "outline_px", np_json_array_new_points (outline));
  }
  json_object_set_object_member (phantom_case->extra, "calibration_sphere", sphere);
  ok = TRUE;

out:
  np_carm_clear (&carm);
  np_phantom_fluoro_free (b.model);
  g_array_unref (b.structures);
  return ok;
}
