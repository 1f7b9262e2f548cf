/* np-phantom-sites-us.c: ultrasound site templates of NpPhantom
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-approach.h"
#include "np-json-util.h"
#include "np-phantom-private.h"
#include "np-phantom-us.h"

#include <math.h>
#include <string.h>

#define DEG (G_PI / 180.0)

/* A structure to avoid while its points are still in scan space. */
typedef struct
{
  const char *label;
  NpStructureKind kind;
  NpShape shape;
  double margin_mm;
  GArray *points;               /* NpScanPoint; an ellipse is centre + (radius x, radius z) */
} ScanStructure;

typedef struct
{
  NpPhantomCase *c;
  NpPhantomUs us;
  NpTissueMap *map;
  double mirror;                /* -1 shows the other side's transverse view mirrored */
  /* marks, in scan space before mirroring */
  NpScanPoint target;
  GArray *target_region;        /* NpScanPoint */
  int entry_side;               /* -1: needle from the left end of the probe; +1 right */
  GPtrArray *structures;        /* ScanStructure* */
  NpTechnique technique;
} UsBuild;

static void
scan_structure_free (gpointer data)
{
  ScanStructure *s = data;

  g_array_unref (s->points);
  g_free (s);
}

static GArray *
points_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (NpScanPoint));
}

static void
points_add (GArray *points,
            double  x,
            double  z)
{
  NpScanPoint p = { x, z };

  g_array_append_val (points, p);
}

/* Points of an ellipse around @centre; @phi is measured from straight up
 * (towards the skin), positive towards +x. */
static NpScanPoint
ellipse_point (NpScanPoint centre,
               double      radius_x,
               double      radius_z,
               double      phi_deg)
{
  return np_scan_point (centre.x + radius_x * sin (phi_deg * DEG),
                        centre.z - radius_z * cos (phi_deg * DEG));
}

static void
points_add_arc (GArray      *points,
                NpScanPoint  centre,
                double       radius_x,
                double       radius_z,
                double       phi0_deg,
                double       phi1_deg,
                guint        n)
{
  for (guint k = 0; k <= n; k++)
    {
      NpScanPoint p = ellipse_point (centre, radius_x, radius_z,
                                     phi0_deg + (phi1_deg - phi0_deg) * k / n);
      g_array_append_val (points, p);
    }
}

static NpScanPoint
mirrored (const UsBuild *b,
          NpScanPoint    p)
{
  return np_scan_point (b->mirror * p.x, p.z);
}

static double
draw (UsBuild    *b,
      const char *name,
      double      lo,
      double      hi)
{
  return np_phantom_case_draw (b->c, name, lo, hi, 100);
}

static double
draw_angle (UsBuild    *b,
            const char *name,
            double      lo,
            double      hi)
{
  return np_phantom_case_draw (b->c, name, lo, hi, 10);
}

/* ---- painting in scan space (mirrored here, once) ---------------------- */

/* Muscle is the background; its fibres run at @fibre_deg. */
static void
create_map (UsBuild *b,
            double   fibre_deg,
            double   relief_mm)
{
  b->map = np_tissue_map_new (NP_TISSUE_MUSCLE, NP_TEXTURE_FASCICLES, b->mirror * fibre_deg);
  np_tissue_map_set_relief (b->map, relief_mm, b->c->seed);
}

static void
paint_layer (UsBuild  *b,
             NpTissue  tissue,
             NpTexture texture,
             double    angle_deg,
             double    top_mm,
             double    bottom_mm)
{
  np_tissue_map_add_layer (b->map, tissue, texture, b->mirror * angle_deg, top_mm, bottom_mm);
}

static void
paint_ellipse (UsBuild     *b,
               NpTissue     tissue,
               NpTexture    texture,
               double       angle_deg,
               NpScanPoint  centre,
               double       radius_x,
               double       radius_z)
{
  np_tissue_map_add_ellipse (b->map, tissue, texture, b->mirror * angle_deg, mirrored (b, centre),
                             radius_x, radius_z);
}

static void
paint_polygon (UsBuild  *b,
               NpTissue  tissue,
               NpTexture texture,
               double    angle_deg,
               GArray   *points)
{
  g_autofree NpScanPoint *flipped = g_new (NpScanPoint, points->len);

  for (guint i = 0; i < points->len; i++)
    flipped[i] = mirrored (b, g_array_index (points, NpScanPoint, i));
  np_tissue_map_add_polygon (b->map, tissue, texture, b->mirror * angle_deg, flipped, points->len);
}

/* A band between two offset ellipses over an arc: cartilage on a bone,
 * a tendon over a head. Offsets are added to both radii. */
static GArray *
band_points (NpScanPoint centre,
             double      radius_x,
             double      radius_z,
             double      inner_mm,
             double      outer_mm,
             double      phi0_deg,
             double      phi1_deg)
{
  GArray *points = points_new ();
  guint n = (guint) ceil (fabs (phi1_deg - phi0_deg) / 2) + 2;

  points_add_arc (points, centre, radius_x + outer_mm, radius_z + outer_mm, phi0_deg, phi1_deg, n);
  points_add_arc (points, centre, radius_x + inner_mm, radius_z + inner_mm, phi1_deg, phi0_deg, n);
  return points;
}

static void
curve_fibres (UsBuild     *b,
              NpScanPoint  centre)
{
  np_tissue_map_curve_fibres (b->map, mirrored (b, centre));
}

/* ---- structures to avoid ------------------------------------------------ */

/* Margins come from the approach preset (np-approach.c), as they would
 * for a structure the clinician marks. */
static ScanStructure *
add_structure (UsBuild         *b,
               const char      *label,
               NpStructureKind  kind,
               NpShape          shape)
{
  ScanStructure *s = g_new0 (ScanStructure, 1);

  s->label = label;
  s->kind = kind;
  s->shape = shape;
  s->margin_mm = np_approach_default_margin (np_approach_lookup (b->c->approach_id), kind);
  s->points = points_new ();
  g_ptr_array_add (b->structures, s);
  return s;
}

static void
add_ellipse_structure (UsBuild         *b,
                       const char      *label,
                       NpStructureKind  kind,
                       NpScanPoint      centre,
                       double           radius_x,
                       double           radius_z)
{
  ScanStructure *s = add_structure (b, label, kind, NP_SHAPE_ELLIPSE);

  g_array_append_val (s->points, centre);
  points_add (s->points, radius_x, radius_z);
}

static void
add_points_structure (UsBuild         *b,
                      const char      *label,
                      NpStructureKind  kind,
                      NpShape          shape,
                      GArray          *points)
{
  ScanStructure *s = add_structure (b, label, kind, shape);

  g_array_append_vals (s->points, points->data, points->len);
}

/* The echo-free gap of a vessel: lumen inside a bright wall. */
static void
paint_vessel (UsBuild     *b,
              NpScanPoint  centre,
              double       radius_mm,
              double       wall_mm)
{
  paint_ellipse (b, NP_TISSUE_VESSEL_WALL, NP_TEXTURE_PLAIN, 0, centre, radius_mm + wall_mm,
                 radius_mm + wall_mm);
  paint_ellipse (b, NP_TISSUE_BLOOD, NP_TEXTURE_PLAIN, 0, centre, radius_mm, radius_mm);
}

static double
round_up (double value,
          double step)
{
  return ceil (value / step - 1e-9) * step;
}

/* ---- knee: suprapatellar recess, transverse, lateral in-plane ----------- */

typedef struct
{
  double x_centre, half_width, half_thickness, fat_pad;
  double femur_x, femur_z, femur_rx, femur_rz;
} KneeRecess;

static double
femur_top (const KneeRecess *k,
           double            x)
{
  double u = (x - k->femur_x) / k->femur_rx;
  return k->femur_z - k->femur_rz * sqrt (MAX (0.0, 1 - u * u));
}

/* Half-thickness of the effusion at @x: a lens, thickest at its centre. */
static double
recess_half (const KneeRecess *k,
             double            x)
{
  double u = (x - k->x_centre) / k->half_width;
  return fabs (u) >= 1 ? 0 : k->half_thickness * pow (1 - u * u, 0.6);
}

static double
recess_mid (const KneeRecess *k,
            double            x)
{
  return femur_top (k, x) - k->fat_pad - recess_half (k, x);
}

static GArray *
recess_lens (const KneeRecess *k,
             double            width_scale,
             double            thickness_scale)
{
  GArray *points = points_new ();
  const guint n = 40;
  double x0 = k->x_centre - width_scale * k->half_width;
  double x1 = k->x_centre + width_scale * k->half_width;

  for (guint i = 0; i <= n; i++)
    {
      double x = x0 + (x1 - x0) * i / n;
      points_add (points, x, recess_mid (k, x) - thickness_scale * recess_half (k, x));
    }
  for (guint i = n + 1; i-- > 0;)
    {
      double x = x0 + (x1 - x0) * i / n;
      points_add (points, x, recess_mid (k, x) + thickness_scale * recess_half (k, x));
    }
  return points;
}

static void
build_knee_suprapatellar (UsBuild *b)
{
  NpPhantomUs *us = &b->us;
  KneeRecess k;
  double skin, fat, depth, fibre, pad_q, tendon_dx, tendon_rx, tendon_rz, tendon_bottom;
  double fat_bottom, femur_dx, top_at_target;
  NpScanPoint tendon_centre;
  g_autoptr(GArray) lens = NULL;
  g_autoptr(GArray) femur_line = points_new ();
  g_autoptr(GArray) fat_pad = NULL;

  /* Transverse: the patient's right is on the image's left, so a right
   * knee shows its lateral side left and a left knee is mirrored. */
  b->mirror = b->c->side == NP_SIDE_LEFT ? -1 : 1;

  skin = draw (b, "skin_thickness_mm", 1.4, 2.2);
  depth = draw (b, "target_depth_mm", 10, 25);
  k.half_thickness = draw (b, "effusion_half_thickness_mm", 2.5, MIN (5.0, depth - skin - 4.5));
  k.half_width = draw (b, "effusion_half_width_mm", 16, 24);
  k.x_centre = draw (b, "effusion_centre_x_mm", -7, 1);
  k.fat_pad = draw (b, "prefemoral_fat_pad_mm", 2.0, 4.0);
  fat = draw (b, "subcutaneous_fat_mm", 2.0,
              CLAMP (depth - k.half_thickness - skin - 3.0, 2.0, 8.0));
  k.femur_rx = draw (b, "femur_radius_x_mm", 34, 44);
  k.femur_rz = draw (b, "femur_radius_z_mm", 20, 26);
  femur_dx = draw (b, "femur_centre_offset_x_mm", -3, 3);
  pad_q = draw (b, "quadriceps_fat_pad_mm", 0.8, 2.0);
  tendon_dx = draw (b, "tendon_offset_x_mm", 3, 8);
  tendon_rx = draw (b, "tendon_half_width_mm", 7, 10);
  fibre = draw_angle (b, "vastus_fibre_angle_deg", 8, 18);

  /* The target is the middle of the thickest part of the effusion. */
  b->target = np_phantom_us_point_at_depth (us, k.x_centre, depth);
  top_at_target = b->target.z + k.half_thickness + k.fat_pad;
  k.femur_x = k.x_centre + femur_dx;
  {
    double u = (k.x_centre - k.femur_x) / k.femur_rx;
    k.femur_z = top_at_target + k.femur_rz * sqrt (1 - u * u);
  }

  /* The quadriceps tendon rides over the medial part of the recess,
   * separated from the fluid by the quadriceps fat pad. */
  fat_bottom = skin + fat;
  tendon_centre.x = k.x_centre + tendon_dx;
  tendon_bottom = G_MAXDOUBLE;
  for (double x = tendon_centre.x - tendon_rx; x <= tendon_centre.x + tendon_rx; x += 0.25)
    tendon_bottom = MIN (tendon_bottom, recess_mid (&k, x) - recess_half (&k, x) - pad_q);
  tendon_rz = CLAMP ((tendon_bottom - fat_bottom - 0.4) / 2, 1.2, 3.5);
  tendon_centre.z = tendon_bottom - tendon_rz;
  np_phantom_case_record (b->c, "tendon_half_thickness_mm", tendon_rz);
  np_phantom_case_record (b->c, "femur_centre_z_mm", k.femur_z);

  create_map (b, fibre, 0.3);
  paint_layer (b, NP_TISSUE_SKIN, NP_TEXTURE_PLAIN, 0, 0, skin);
  paint_layer (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, skin, fat_bottom);
  /* prefemoral fat pad over the femur */
  {
    g_autoptr(GArray) band = band_points (np_scan_point (k.femur_x, k.femur_z), k.femur_rx,
                                          k.femur_rz, 0, k.fat_pad + 0.4, -80, 80);
    paint_polygon (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, band);
  }
  fat_pad = points_new ();
  points_add_arc (fat_pad, np_scan_point (tendon_centre.x, tendon_bottom + pad_q / 2),
                  tendon_rx * 1.15, pad_q / 2 + 0.6, 0, 360, 48);
  paint_polygon (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, fat_pad);
  lens = recess_lens (&k, 1.0, 1.0);
  paint_polygon (b, NP_TISSUE_FLUID, NP_TEXTURE_PLAIN, 0, lens);
  paint_ellipse (b, NP_TISSUE_TENDON, NP_TEXTURE_PUNCTATE, 0, tendon_centre, tendon_rx, tendon_rz);
  paint_ellipse (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, np_scan_point (k.femur_x, k.femur_z),
                 k.femur_rx, k.femur_rz);

  /* acceptable target: the inner part of the effusion */
  g_array_unref (b->target_region);
  b->target_region = recess_lens (&k, 0.7, 0.55);

  add_ellipse_structure (b, "quadriceps tendon", NP_STRUCTURE_TENDON, tendon_centre,
                         tendon_rx, tendon_rz);
  for (double x = -30; x <= 30.001; x += 2)
    points_add (femur_line, x, femur_top (&k, x));
  add_points_structure (b, "femur (anterior cortex)", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE,
                        femur_line);

  b->entry_side = -1;           /* lateral */
  b->technique = NP_TECHNIQUE_IN_PLANE;
  us->depth_mm = CLAMP (round_up (top_at_target + 12, 5), 30, 50);
  us->focus_mm = depth;
  us->header_left = g_strdup_printf ("SYNTHETIC - %s KNEE SUPRAPATELLAR TRV",
                                     b->c->side == NP_SIDE_LEFT ? "L" : "R");
}

/* ---- shoulder: subacromial-subdeltoid bursa, long axis of supraspinatus - */

static void
build_shoulder_subacromial (UsBuild *b)
{
  NpPhantomUs *us = &b->us;
  double skin, fat, depth, bursa, tendon, cartilage, head_rx, head_rz, head_dx, target_x;
  double cartilage_end, insertion, acromion_x, acromion_gap, deltoid_fibre;
  double k_target, phi_target, fat_bottom, acromion_z;
  NpScanPoint head;
  g_autoptr(GArray) tendon_poly = points_new ();
  g_autoptr(GArray) bursa_poly = points_new ();
  g_autoptr(GArray) acromion = points_new ();
  g_autoptr(GArray) acromion_line = points_new ();
  g_autoptr(GArray) head_line = points_new ();

  /* Coronal oblique: medial (acromion) on the left for either side. */
  b->mirror = 1;

  skin = draw (b, "skin_thickness_mm", 1.4, 2.0);
  depth = draw (b, "target_depth_mm", 10, 15);
  bursa = draw (b, "bursa_thickness_mm", 1.8, 2.6);
  tendon = draw (b, "supraspinatus_thickness_mm", 4.5, 6.5);
  cartilage = draw (b, "cartilage_thickness_mm", 1.0, 1.6);
  head_rx = draw (b, "humeral_head_radius_x_mm", 34, 42);
  head_rz = draw (b, "humeral_head_radius_z_mm", 24, 30);
  head_dx = draw (b, "humeral_head_centre_x_mm", -10, -5);
  target_x = draw (b, "target_x_mm", -5, 3);
  cartilage_end = draw_angle (b, "cartilage_end_deg", 4, 12);
  fat = draw (b, "subcutaneous_fat_mm", 1.5, CLAMP (depth - skin - bursa / 2 - 5.0, 1.5, 5.0));
  acromion_x = draw (b, "acromion_tip_x_mm", -15, -10);
  acromion_gap = draw (b, "acromion_below_fat_mm", 3.0, 5.0);
  deltoid_fibre = draw_angle (b, "deltoid_fibre_angle_deg", -10, -2);
  insertion = cartilage_end + 22;

  /* Layers outward from the bone: cartilage, tendon, bursa. The target is
   * in the bursa above target_x, at the drawn depth: in its middle, or
   * 1.25 mm above the tendon when the bursa is thinner than 2.5 mm, so that
   * the tendon's 1 mm margin holds. */
  k_target = cartilage + tendon + MAX (bursa / 2, 1.25);
  phi_target = asin ((target_x - head_dx) / (head_rx + k_target)) / DEG;
  b->target = np_phantom_us_point_at_depth (us, target_x, depth);
  head.x = head_dx;
  head.z = b->target.z + (head_rz + k_target) * cos (phi_target * DEG);
  np_phantom_case_record (b->c, "humeral_head_centre_z_mm", head.z);
  fat_bottom = skin + fat;

  create_map (b, deltoid_fibre, 0.25);
  paint_layer (b, NP_TISSUE_SKIN, NP_TEXTURE_PLAIN, 0, 0, skin);
  paint_layer (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, skin, fat_bottom);

  /* Bursa, with a thin peribursal fat line above it, over the tendon. */
  {
    g_autoptr(GArray) fat_line = band_points (head, head_rx, head_rz, cartilage + tendon + bursa,
                                              cartilage + tendon + bursa + 0.7, -60, insertion + 8);
    paint_polygon (b, NP_TISSUE_FAT, NP_TEXTURE_PLAIN, 0, fat_line);
  }
  for (double phi = -55; phi <= insertion + 6.001; phi += 1.5)
    {
      /* the distended bursa tapers at both ends */
      double t = (phi + 55) / (insertion + 61);
      double taper = pow (sin (G_PI * t), 0.35);
      NpScanPoint p = ellipse_point (head, head_rx + cartilage + tendon + bursa * taper,
                                     head_rz + cartilage + tendon + bursa * taper, phi);

      g_array_append_val (bursa_poly, p);
    }
  points_add_arc (bursa_poly, head, head_rx + cartilage + tendon - 0.3,
                  head_rz + cartilage + tendon - 0.3, insertion + 6, -55, 40);
  paint_polygon (b, NP_TISSUE_FLUID, NP_TEXTURE_PLAIN, 0, bursa_poly);

  /* Supraspinatus: fibrillar, following the dome, tapering into its
   * footprint on the greater tuberosity. */
  for (double phi = -70; phi <= insertion + 0.001; phi += 1.5)
    {
      double taper = phi <= cartilage_end ? 1 : 1 - 0.8 * (phi - cartilage_end)
                                                    / (insertion - cartilage_end);
      NpScanPoint p = ellipse_point (head, head_rx + cartilage + tendon * taper,
                                     head_rz + cartilage + tendon * taper, phi);

      g_array_append_val (tendon_poly, p);
    }
  points_add_arc (tendon_poly, head, head_rx, head_rz, insertion, -70, 60);
  paint_polygon (b, NP_TISSUE_TENDON, NP_TEXTURE_FIBRILLAR, 0, tendon_poly);
  curve_fibres (b, head);

  {
    g_autoptr(GArray) band = band_points (head, head_rx, head_rz, -0.2, cartilage, -70,
                                          cartilage_end);
    paint_polygon (b, NP_TISSUE_CARTILAGE, NP_TEXTURE_PLAIN, 0, band);
  }
  paint_ellipse (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, head, head_rx, head_rz);
  /* greater tuberosity: a bump lateral to the cartilage */
  paint_ellipse (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0,
                 ellipse_point (head, head_rx - 3.0, head_rz - 3.0, cartilage_end + 20), 9, 5);

  /* Acromion: the lateral edge of a bony roof at the medial end. */
  acromion_z = fat_bottom + acromion_gap;
  points_add (acromion, acromion_x, acromion_z + 1.5);
  points_add (acromion, acromion_x - 2.5, acromion_z);
  points_add (acromion, acromion_x - 30, acromion_z - 1.5);
  points_add (acromion, acromion_x - 30, acromion_z + 10);
  points_add (acromion, acromion_x - 3, acromion_z + 5.5);
  paint_polygon (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, acromion);
  points_add (acromion_line, acromion_x - 12, acromion_z - 0.6);
  points_add (acromion_line, acromion_x - 2.5, acromion_z);
  points_add (acromion_line, acromion_x, acromion_z + 1.5);
  np_phantom_case_record (b->c, "acromion_surface_z_mm", acromion_z);

  /* acceptable target: the middle half of the bursa, 8 mm either side */
  {
    double dphi = 8.0 / (head_rx + k_target) / DEG;
    g_array_unref (b->target_region);
    b->target_region = band_points (head, head_rx, head_rz, cartilage + tendon + bursa * 0.25,
                                    cartilage + tendon + bursa * 0.75, phi_target - dphi,
                                    phi_target + dphi);
  }

  add_points_structure (b, "supraspinatus tendon", NP_STRUCTURE_TENDON, NP_SHAPE_POLYGON,
                        tendon_poly);
  add_points_structure (b, "acromion", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, acromion_line);
  points_add_arc (head_line, head, head_rx, head_rz, -40, insertion + 20, 40);
  add_points_structure (b, "humeral head (cortex)", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE,
                        head_line);

  b->entry_side = 1;            /* lateral to medial */
  b->technique = NP_TECHNIQUE_IN_PLANE;
  us->depth_mm = CLAMP (round_up (head.z - head_rz + 12, 5), 30, 40);
  us->focus_mm = depth;
  us->header_left = g_strdup_printf ("SYNTHETIC - %s SHOULDER SASD BURSA",
                                     b->c->side == NP_SIDE_LEFT ? "L" : "R");
}

/* ---- shoulder: posterior glenohumeral joint, transverse ----------------- */

static void
build_shoulder_glenohumeral (UsBuild *b)
{
  NpPhantomUs *us = &b->us;
  double skin, fat, deltoid, depth, head_r, cartilage, gap_head, gap_labrum, phi_t, target_x;
  double labrum_dz, glenoid_slope, infraspinatus, deltoid_fibre, infra_fibre, artery_dx, artery_r;
  double head_top, room, reach;
  NpScanPoint head, tip, upper, lower, artery;
  g_autoptr(GArray) labrum = points_new ();
  g_autoptr(GArray) glenoid = points_new ();
  g_autoptr(GArray) glenoid_line = points_new ();
  g_autoptr(GArray) capsule = points_new ();
  g_autoptr(GArray) cartilage_line = points_new ();
  g_autoptr(GArray) region = points_new ();

  /* Transverse from behind: the humeral head (lateral) on the left for a
   * right shoulder; a left shoulder is mirrored. */
  b->mirror = b->c->side == NP_SIDE_LEFT ? -1 : 1;

  depth = draw (b, "target_depth_mm", 30, 50);
  target_x = draw (b, "target_x_mm", -2, 6);
  head_r = draw (b, "humeral_head_radius_mm", 22, 26);
  cartilage = draw (b, "cartilage_thickness_mm", 1.5, 2.2);
  gap_head = draw (b, "target_to_cartilage_mm", 1.6, 2.6);
  gap_labrum = draw (b, "target_to_labrum_mm", 1.6, 2.6);
  phi_t = draw_angle (b, "target_direction_deg", 32, 44);
  labrum_dz = draw (b, "labrum_tip_offset_z_mm", -0.5, 1.0);
  glenoid_slope = draw_angle (b, "glenoid_slope_deg", 0, 10);
  infraspinatus = draw (b, "infraspinatus_tendon_mm", 4.0, 6.0);
  skin = draw (b, "skin_thickness_mm", 1.5, 2.2);
  deltoid_fibre = draw_angle (b, "deltoid_fibre_angle_deg", 5, 15);
  infra_fibre = draw_angle (b, "infraspinatus_fibre_angle_deg", -15, -5);
  artery_dx = draw (b, "artery_medial_to_labrum_mm", 16, 24);
  artery_r = draw (b, "artery_radius_mm", 1.1, 1.5);

  b->target = np_phantom_us_point_at_depth (us, target_x, depth);
  reach = head_r + cartilage + gap_head;
  head = np_scan_point (b->target.x - reach * sin (phi_t * DEG),
                        b->target.z + reach * cos (phi_t * DEG));
  tip = np_scan_point (b->target.x + gap_labrum, b->target.z + labrum_dz);
  upper = np_scan_point (tip.x + 7.0, tip.z - 2.5);
  lower = np_scan_point (tip.x + 5.0, tip.z + 3.0);
  np_phantom_case_record (b->c, "humeral_head_centre_x_mm", head.x);
  np_phantom_case_record (b->c, "humeral_head_centre_z_mm", head.z);

  /* Superficial layers share the room above the infraspinatus tendon. */
  head_top = np_phantom_us_depth (us, np_scan_point (head.x, head.z - head_r)) - cartilage - 1.8
             - infraspinatus;
  room = head_top - skin - 0.7 - 3.0;
  fat = draw (b, "subcutaneous_fat_mm", 2.5, MAX (2.5, MIN (10.0, 0.4 * room)));
  deltoid = draw (b, "deltoid_thickness_mm", MAX (3.0, 0.5 * (room - fat)),
                  MAX (3.0, room - fat));

  create_map (b, infra_fibre, 0.4);
  paint_layer (b, NP_TISSUE_SKIN, NP_TEXTURE_PLAIN, 0, 0, skin);
  paint_layer (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, skin, skin + fat);
  paint_layer (b, NP_TISSUE_MUSCLE, NP_TEXTURE_FASCICLES, deltoid_fibre, skin + fat,
               skin + fat + deltoid);
  paint_layer (b, NP_TISSUE_LIGAMENT, NP_TEXTURE_PLAIN, 0, skin + fat + deltoid,
               skin + fat + deltoid + 0.7);

  /* Infraspinatus tendon over the head, converging on the greater tuberosity. */
  {
    g_autoptr(GArray) band = band_points (head, head_r, head_r, cartilage + 1.8,
                                          cartilage + 1.8 + infraspinatus, -40, 32);
    paint_polygon (b, NP_TISSUE_TENDON, NP_TEXTURE_FIBRILLAR, 0, band);
    curve_fibres (b, head);
  }

  /* Joint fluid filling the posterior recess: a triangle between the head's
   * cartilage, the labrum's tip and the capsule. */
  {
    g_autoptr(GArray) recess = points_new ();

    points_add (recess, b->target.x - gap_head - 0.4, b->target.z + 0.8);
    points_add (recess, b->target.x - 0.6, b->target.z - 2.6);
    points_add (recess, tip.x + 0.8, tip.z - 1.0);
    points_add (recess, b->target.x + 0.4, b->target.z + 2.2);
    paint_polygon (b, NP_TISSUE_FLUID, NP_TEXTURE_PLAIN, 0, recess);
  }

  /* Posterior capsule, from the head over the recess to the labrum. */
  {
    NpScanPoint from = ellipse_point (head, head_r + cartilage + 0.6, head_r + cartilage + 0.6, 28);
    NpScanPoint to = np_scan_point (upper.x + 1.5, upper.z - 0.4);
    NpScanPoint control = np_scan_point ((from.x + to.x) / 2, MIN (from.z, to.z) - 2.0);

    for (guint pass = 0; pass < 2; pass++)
      for (guint k = 0; k <= 20; k++)
        {
          double t = pass == 0 ? k / 20.0 : 1 - k / 20.0;
          double offset = pass == 0 ? -1.1 : 0;
          points_add (capsule,
                      (1 - t) * (1 - t) * from.x + 2 * t * (1 - t) * control.x + t * t * to.x,
                      (1 - t) * (1 - t) * from.z + 2 * t * (1 - t) * control.z + t * t * to.z
                      + offset);
        }
    paint_polygon (b, NP_TISSUE_LIGAMENT, NP_TEXTURE_FIBRILLAR, 0, capsule);
  }

  /* Posterior labrum: a bright triangle on the glenoid rim. */
  g_array_append_val (labrum, tip);
  g_array_append_val (labrum, upper);
  g_array_append_val (labrum, lower);
  paint_polygon (b, NP_TISSUE_FIBROCARTILAGE, NP_TEXTURE_PLAIN, 0, labrum);

  /* Glenoid and scapular neck: bone deep and medial to the labrum's base,
   * its posterior surface running medially from the rim. */
  {
    double slope = tan (glenoid_slope * DEG);
    NpScanPoint rim = np_scan_point (upper.x + 0.2, upper.z + 0.4);
    NpScanPoint face = np_scan_point (lower.x + 0.2, lower.z + 0.4);

    points_add (glenoid, rim.x, rim.z);
    points_add (glenoid, rim.x + 15, rim.z + 15 * slope);
    points_add (glenoid, rim.x + 45, rim.z + 45 * slope + 3);
    points_add (glenoid, rim.x + 45, rim.z + 60);
    points_add (glenoid, face.x - 0.5, face.z + 30);
    points_add (glenoid, face.x, face.z);
    paint_polygon (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, glenoid);
    points_add (glenoid_line, face.x, face.z);
    points_add (glenoid_line, rim.x, rim.z);
    points_add (glenoid_line, rim.x + 15, rim.z + 15 * slope);
    points_add (glenoid_line, rim.x + 45, rim.z + 45 * slope + 3);

    /* suprascapular artery in the spinoglenoid notch, on the scapular neck */
    artery = np_scan_point (rim.x + artery_dx,
                            rim.z + artery_dx * slope - artery_r - 0.6 - 0.4);
    paint_vessel (b, artery, artery_r, 0.35);
  }

  {
    g_autoptr(GArray) band = band_points (head, head_r, head_r, -0.2, cartilage, -60, 150);
    paint_polygon (b, NP_TISSUE_CARTILAGE, NP_TEXTURE_PLAIN, 0, band);
  }
  paint_ellipse (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, head, head_r, head_r);

  /* acceptable target: the gap between cartilage and labrum */
  {
    double rx = 0.6 * MIN (gap_head, gap_labrum);
    points_add_arc (region, np_scan_point (b->target.x, b->target.z), rx, 1.4, 0, 360, 32);
    g_array_unref (b->target_region);
    b->target_region = g_steal_pointer (&region);
  }

  points_add_arc (cartilage_line, head, head_r + cartilage, head_r + cartilage, -10,
                  phi_t + 25, 30);
  add_points_structure (b, "humeral head cartilage", NP_STRUCTURE_CARTILAGE, NP_SHAPE_POLYLINE,
                        cartilage_line);
  add_points_structure (b, "posterior labrum", NP_STRUCTURE_CARTILAGE, NP_SHAPE_POLYGON,
                        labrum);
  add_points_structure (b, "glenoid (posterior rim and neck)", NP_STRUCTURE_BONE,
                        NP_SHAPE_POLYLINE, glenoid_line);
  add_ellipse_structure (b, "suprascapular artery", NP_STRUCTURE_VESSEL, artery,
                         artery_r + 0.35, artery_r + 0.35);

  b->entry_side = -1;           /* lateral to medial */
  b->technique = NP_TECHNIQUE_IN_PLANE;
  us->depth_mm = CLAMP (round_up (depth + 25, 10), 60, 80);
  us->focus_mm = depth;
  us->header_left = g_strdup_printf ("SYNTHETIC - %s SHOULDER POSTERIOR GH",
                                     b->c->side == NP_SIDE_LEFT ? "L" : "R");
}

/* ---- hip: anterior recess at the femoral head-neck junction ------------- */

static void
build_hip_anterior (UsBuild *b)
{
  NpPhantomUs *us = &b->us;
  double depth, target_x, head_r, cartilage, alpha, phi_j, recess, capsule_t, along, recess_len;
  double skin, fat, sartorius, sart_fibre, psoas_fibre, capsule_top, room;
  double artery_r, vein_r, artery_dx, artery_depth, vein_gap, vein_dz;
  NpScanPoint head, junction, u, n, target_local, offset, acetabulum_tip;
  NpScanPoint artery, vein;
  g_autoptr(GArray) neck = points_new ();
  g_autoptr(GArray) fluid = points_new ();
  g_autoptr(GArray) capsule = points_new ();
  g_autoptr(GArray) acetabulum = points_new ();
  g_autoptr(GArray) labrum = points_new ();
  g_autoptr(GArray) bone_line = points_new ();

  /* Oblique sagittal along the neck: proximal (head) on the left. */
  b->mirror = 1;

  depth = draw (b, "target_depth_mm", 40, 80);
  target_x = draw (b, "target_x_mm", -4, 8);
  head_r = draw (b, "femoral_head_radius_mm", 22, 27);
  cartilage = draw (b, "cartilage_thickness_mm", 1.5, 2.0);
  alpha = draw_angle (b, "neck_slope_deg", 8, 20);
  phi_j = draw_angle (b, "head_neck_junction_deg", 55, 68);
  recess = draw (b, "recess_thickness_mm", 3.0, 6.0);
  capsule_t = draw (b, "capsule_thickness_mm", 3.0, 5.0);
  along = draw (b, "target_along_neck_mm", 2.0, 5.0);
  recess_len = draw (b, "recess_length_mm", 14, 22);
  skin = draw (b, "skin_thickness_mm", 1.5, 2.5);
  sart_fibre = draw_angle (b, "sartorius_fibre_angle_deg", 5, 15);
  psoas_fibre = draw_angle (b, "iliopsoas_fibre_angle_deg", -15, -5);
  artery_r = draw (b, "femoral_artery_radius_mm", 3.5, 4.5);
  vein_r = draw (b, "femoral_vein_radius_mm", 4.5, 6.0);
  artery_dx = draw (b, "artery_proximal_to_target_mm", 3, 9);
  artery_depth = draw (b, "artery_depth_fraction", 0.35, 0.5);
  vein_gap = draw (b, "vein_gap_mm", 1.0, 3.0);
  vein_dz = draw (b, "vein_offset_z_mm", 0, 3);

  /* Local geometry around the head centre, then moved so the target sits
   * at the drawn depth. u runs down the neck, n points out of the bone. */
  u = np_scan_point (cos (alpha * DEG), sin (alpha * DEG));
  n = np_scan_point (sin (alpha * DEG), -cos (alpha * DEG));
  junction = ellipse_point (np_scan_point (0, 0), head_r, head_r, phi_j);
  target_local = np_scan_point (junction.x + along * u.x + recess / 2 * n.x,
                                junction.z + along * u.z + recess / 2 * n.z);
  b->target = np_phantom_us_point_at_depth (us, target_x, depth);
  offset = np_scan_point (b->target.x - target_local.x, b->target.z - target_local.z);
  head = offset;
  junction.x += offset.x;
  junction.z += offset.z;
  np_phantom_case_record (b->c, "femoral_head_centre_x_mm", head.x);
  np_phantom_case_record (b->c, "femoral_head_centre_z_mm", head.z);

  /* Layers: skin, fat, sartorius / rectus, fascia, then iliopsoas down to
   * the capsule. */
  capsule_top = depth - recess / 2 - capsule_t;
  room = capsule_top - skin - 0.8;
  fat = draw (b, "subcutaneous_fat_mm", 4.0, MAX (4.0, MIN (30.0, 0.45 * room)));
  sartorius = draw (b, "sartorius_thickness_mm", 5.0, MAX (5.0, MIN (14.0, room - fat - 10.0)));

  create_map (b, psoas_fibre, 0.6);
  paint_layer (b, NP_TISSUE_SKIN, NP_TEXTURE_PLAIN, 0, 0, skin);
  paint_layer (b, NP_TISSUE_FAT, NP_TEXTURE_SEPTA, 0, skin, skin + fat);
  paint_layer (b, NP_TISSUE_MUSCLE, NP_TEXTURE_FASCICLES, sart_fibre, skin + fat,
               skin + fat + sartorius);
  paint_layer (b, NP_TISSUE_LIGAMENT, NP_TEXTURE_PLAIN, 0, skin + fat + sartorius,
               skin + fat + sartorius + 0.8);

  /* Femoral vessels: medial, here just proximal to the target and above it,
   * so that a needle straight down would meet them. */
  artery = np_scan_point (b->target.x - artery_dx,
                          MAX (skin + fat + artery_r + 2.0, artery_depth * b->target.z));
  artery.z = MIN (artery.z, capsule_top - artery_r - 4.0);
  vein = np_scan_point (artery.x - artery_r - vein_r - vein_gap, artery.z + vein_dz);
  np_phantom_case_record (b->c, "femoral_artery_z_mm", artery.z);
  paint_vessel (b, artery, artery_r, 0.6);
  paint_vessel (b, vein, vein_r, 0.4);

  /* Capsule: over the head, bridging the head-neck concavity, along the neck. */
  {
    double r_in = head_r + cartilage + 0.8, r_out = r_in + 0.7 * capsule_t;
    double len = recess_len + 12;

    points_add_arc (capsule, head, r_out, r_out, -25, phi_j - 5, 30);
    for (guint k = 0; k <= 10; k++)
      {
        double s = -2 + (len + 2) * k / 10.0;
        points_add (capsule, junction.x + s * u.x + (recess + capsule_t) * n.x,
                    junction.z + s * u.z + (recess + capsule_t) * n.z);
      }
    for (guint k = 0; k <= 10; k++)
      {
        double s = len - (len + 2) * k / 10.0;
        points_add (capsule, junction.x + s * u.x + recess * n.x,
                    junction.z + s * u.z + recess * n.z);
      }
    points_add_arc (capsule, head, r_in, r_in, phi_j - 5, -25, 30);
    paint_polygon (b, NP_TISSUE_LIGAMENT, NP_TEXTURE_FIBRILLAR, alpha, capsule);
  }

  /* Anterior recess distended by an effusion, tapering at its distal end. */
  points_add (fluid, junction.x - 5 * u.x - 2 * n.x, junction.z - 5 * u.z - 2 * n.z);
  points_add (fluid, junction.x - 5 * u.x + 0.7 * recess * n.x,
              junction.z - 5 * u.z + 0.7 * recess * n.z);
  points_add (fluid, junction.x + 2 * u.x + recess * n.x, junction.z + 2 * u.z + recess * n.z);
  points_add (fluid, junction.x + (recess_len - 5) * u.x + recess * n.x,
              junction.z + (recess_len - 5) * u.z + recess * n.z);
  points_add (fluid, junction.x + recess_len * u.x + 0.25 * recess * n.x,
              junction.z + recess_len * u.z + 0.25 * recess * n.z);
  points_add (fluid, junction.x + recess_len * u.x - 2 * n.x,
              junction.z + recess_len * u.z - 2 * n.z);
  paint_polygon (b, NP_TISSUE_FLUID, NP_TEXTURE_PLAIN, 0, fluid);

  /* Cartilage on the head, the head, and the neck. */
  {
    g_autoptr(GArray) band = band_points (head, head_r, head_r, -0.2, cartilage, -80, phi_j - 6);
    paint_polygon (b, NP_TISSUE_CARTILAGE, NP_TEXTURE_PLAIN, 0, band);
  }
  paint_ellipse (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, head, head_r, head_r);
  points_add (neck, junction.x - 3 * u.x + 0.4 * n.x, junction.z - 3 * u.z + 0.4 * n.z);
  points_add (neck, junction.x, junction.z);
  points_add (neck, junction.x + 70 * u.x, junction.z + 70 * u.z);
  points_add (neck, junction.x + 70 * u.x, junction.z + 70 * u.z + 60);
  points_add (neck, head.x, head.z + 40);
  paint_polygon (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, neck);

  /* Acetabular rim and labrum at the proximal end. */
  acetabulum_tip = ellipse_point (head, head_r + cartilage + 2.0, head_r + cartilage + 2.0, -48);
  points_add (labrum, acetabulum_tip.x - 1.5, acetabulum_tip.z - 3.0);
  points_add (labrum, acetabulum_tip.x + 7.5, acetabulum_tip.z + 2.5);
  points_add (labrum, acetabulum_tip.x + 0.5, acetabulum_tip.z + 3.5);
  paint_polygon (b, NP_TISSUE_FIBROCARTILAGE, NP_TEXTURE_PLAIN, 0, labrum);
  points_add (acetabulum, acetabulum_tip.x - 1.5, acetabulum_tip.z - 3.0);
  points_add (acetabulum, acetabulum_tip.x - 12, acetabulum_tip.z - 8);
  points_add (acetabulum, acetabulum_tip.x - 45, acetabulum_tip.z - 12);
  points_add (acetabulum, acetabulum_tip.x - 45, acetabulum_tip.z + 50);
  points_add (acetabulum, acetabulum_tip.x - 3, acetabulum_tip.z + 6);
  paint_polygon (b, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, acetabulum);

  /* acceptable target: the recess between capsule and bone near the junction */
  {
    GArray *region = points_new ();
    double s0 = MAX (0.0, along - 4.0), s1 = along + 5.0;

    points_add (region, junction.x + s0 * u.x + 0.3 * recess * n.x,
                junction.z + s0 * u.z + 0.3 * recess * n.z);
    points_add (region, junction.x + s1 * u.x + 0.3 * recess * n.x,
                junction.z + s1 * u.z + 0.3 * recess * n.z);
    points_add (region, junction.x + s1 * u.x + 0.75 * recess * n.x,
                junction.z + s1 * u.z + 0.75 * recess * n.z);
    points_add (region, junction.x + s0 * u.x + 0.75 * recess * n.x,
                junction.z + s0 * u.z + 0.75 * recess * n.z);
    g_array_unref (b->target_region);
    b->target_region = region;
  }

  add_ellipse_structure (b, "femoral artery", NP_STRUCTURE_VESSEL, artery, artery_r + 0.6,
                         artery_r + 0.6);
  add_ellipse_structure (b, "femoral vein", NP_STRUCTURE_VESSEL, vein, vein_r + 0.4,
                         vein_r + 0.4);
  points_add_arc (bone_line, head, head_r, head_r, -30, phi_j, 30);
  points_add (bone_line, junction.x + 40 * u.x, junction.z + 40 * u.z);
  add_points_structure (b, "femoral head and neck (cortex)", NP_STRUCTURE_BONE,
                        NP_SHAPE_POLYLINE, bone_line);
  add_points_structure (b, "acetabular labrum", NP_STRUCTURE_CARTILAGE, NP_SHAPE_POLYGON,
                        labrum);

  b->entry_side = 1;            /* from distal, in plane */
  b->technique = NP_TECHNIQUE_IN_PLANE;
  us->depth_mm = CLAMP (round_up (depth + 30, 10), 70, 120);
  us->focus_mm = depth;
  us->header_left = g_strdup_printf ("SYNTHETIC - %s HIP ANTERIOR RECESS",
                                     b->c->side == NP_SIDE_LEFT ? "L" : "R");
}

/* ---- from scan space to the plan ---------------------------------------- */

static NpImagePoint
to_image (const UsBuild *b,
          NpScanPoint    p)
{
  return np_phantom_us_to_image (&b->us, mirrored (b, p));
}

static GArray *
image_points (const UsBuild *b,
              GArray        *scan_points)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), scan_points->len);

  for (guint i = 0; i < scan_points->len; i++)
    {
      NpImagePoint p = to_image (b, g_array_index (scan_points, NpScanPoint, i));
      g_array_append_val (points, p);
    }
  return points;
}

static void
add_plan_structures (const UsBuild *b,
                     NpPlan        *plan)
{
  for (guint i = 0; i < b->structures->len; i++)
    {
      const ScanStructure *s = g_ptr_array_index (b->structures, i);
      NpStructure *structure = np_structure_new (s->label, s->kind, s->shape, s->margin_mm);

      if (s->shape == NP_SHAPE_ELLIPSE)
        {
          NpScanPoint centre = g_array_index (s->points, NpScanPoint, 0);
          NpScanPoint radii = g_array_index (s->points, NpScanPoint, 1);

          np_structure_add_point (structure, to_image (b, centre));
          np_structure_add_point (structure, np_image_point (radii.x / b->us.pixel_mm,
                                                             radii.z / b->us.pixel_mm));
        }
      else
        {
          g_autoptr(GArray) points = image_points (b, s->points);
          for (guint k = 0; k < points->len; k++)
            np_structure_add_point (structure, g_array_index (points, NpImagePoint, k));
        }
      g_ptr_array_add (plan->structures, structure);
    }
}

static void
add_skin_line (const UsBuild *b,
               NpPlan        *plan)
{
  const NpPhantomUs *us = &b->us;

  g_array_set_size (plan->skin_points, 0);
  if (us->probe == NP_PROBE_LINEAR)
    {
      NpImagePoint left = np_phantom_us_to_image (us, np_scan_point (-us->footprint_mm / 2, 0));
      NpImagePoint right = np_phantom_us_to_image (us, np_scan_point (us->footprint_mm / 2, 0));

      plan->skin_kind = NP_SKIN_POLYLINE;
      g_array_append_val (plan->skin_points, left);
      g_array_append_val (plan->skin_points, right);
      return;
    }

  /* points on the probe face: the arc a user would click */
  plan->skin_kind = NP_SKIN_ARC;
  for (int k = -3; k <= 3; k++)
    {
      double angle = k / 3.0 * us->sector_deg / 2 * DEG;
      NpImagePoint p = np_phantom_us_to_image (us, np_scan_point (us->radius_mm * sin (angle),
                                                                  us->radius_mm * cos (angle)
                                                                  - us->radius_mm));
      g_array_append_val (plan->skin_points, p);
    }
}

/* Angle between the path and the skin at the entry, 0-90 degrees. */
static double
insertion_angle (const UsBuild *b,
                 double         beyond_mm,
                 NpImagePoint   entry,
                 NpImagePoint   target)
{
  NpImagePoint next = to_image (b, np_phantom_us_skin_point (&b->us, beyond_mm + 1,
                                                             b->entry_side));
  double tx = next.x - entry.x, ty = next.y - entry.y;
  double px = target.x - entry.x, py = target.y - entry.y;
  double c = fabs (tx * px + ty * py) / (hypot (tx, ty) * hypot (px, py));

  return acos (MIN (1.0, c)) * 180 / G_PI;
}

/* The expert's entry for an in-plane approach: on the skin past the end of
 * the probe. Of the entries that keep every structure at least 1 mm beyond
 * its margin (or as far as the target itself is, if that is less), the one
 * whose insertion angle is nearest the approach's preferred angle
 * (np-approach.c) wins; if none does, the one with the most room to spare. */
static void
choose_entry (const UsBuild *b,
              NpPlan        *plan,
              JsonObject    *truth)
{
  const NpApproach *approach = np_approach_lookup (b->c->approach_id);
  double preferred = approach != NULL ? approach->preferred_angle_deg : 30;
  double best_cost = G_MAXDOUBLE, best_spare = -G_MAXDOUBLE, best_beyond = 0;
  double needed = 1.0;
  gboolean best_feasible = FALSE;
  NpImagePoint best = { 0, 0 };
  JsonObject *clearances = json_object_new ();

  /* a path cannot keep more room than its end point has */
  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      needed = MIN (needed, np_phantom_clearance_mm (s, plan->target, plan->target,
                                                     b->us.pixel_mm) - s->margin_mm - 0.05);
    }

  for (double beyond = 1; beyond <= 40.001; beyond += 0.5)
    {
      NpImagePoint entry = to_image (b, np_phantom_us_skin_point (&b->us, beyond, b->entry_side));
      double spare = G_MAXDOUBLE, cost;
      gboolean feasible;

      for (guint i = 0; i < plan->structures->len; i++)
        {
          const NpStructure *s = g_ptr_array_index (plan->structures, i);
          spare = MIN (spare, np_phantom_clearance_mm (s, entry, plan->target, b->us.pixel_mm)
                              - s->margin_mm);
        }
      feasible = spare >= needed;
      cost = fabs (insertion_angle (b, beyond, entry, plan->target) - preferred);
      if ((feasible && (!best_feasible || cost < best_cost - 1e-9))
          || (!feasible && !best_feasible && spare > best_spare + 1e-9))
        {
          best_feasible = feasible;
          best_cost = cost;
          best_spare = spare;
          best = entry;
          best_beyond = beyond;
        }
    }

  plan->has_entry = TRUE;
  plan->entry = best;
  json_object_set_double_member (truth, "entry_beyond_probe_mm", best_beyond);
  json_object_set_double_member (truth, "insertion_angle_deg",
                                 insertion_angle (b, best_beyond, best, plan->target));
  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      json_object_set_double_member (clearances, s->label,
                                     np_phantom_clearance_mm (s, best, plan->target,
                                                              b->us.pixel_mm));
    }
  json_object_set_object_member (truth, "path_clearance_mm", clearances);
}

static JsonObject *
describe_scanner (const UsBuild *b,
                  guint32        render_seed)
{
  const NpPhantomUs *us = &b->us;
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "kind", "ultrasound");
  json_object_set_string_member (o, "probe", np_probe_to_string (us->probe));
  json_object_set_double_member (o, "pixel_size_mm", us->pixel_mm);
  json_object_set_array_member (o, "skin_centre_px", np_json_array_new_point (us->skin_centre));
  if (us->probe == NP_PROBE_LINEAR)
    json_object_set_double_member (o, "footprint_mm", us->footprint_mm);
  else
    {
      NpImagePoint apex = np_phantom_us_to_image (us, np_phantom_us_apex (us));

      json_object_set_double_member (o, "radius_mm", us->radius_mm);
      json_object_set_double_member (o, "sector_deg", us->sector_deg);
      json_object_set_array_member (o, "apex_px", np_json_array_new_point (apex));
      json_object_set_double_member (o, "skin_radius_px", us->radius_mm / us->pixel_mm);
    }
  json_object_set_double_member (o, "depth_mm", us->depth_mm);
  json_object_set_double_member (o, "frequency_mhz", us->frequency_mhz);
  json_object_set_double_member (o, "fractional_bandwidth", us->bandwidth);
  json_object_set_double_member (o, "beam_width_mm", us->beam_width_mm);
  json_object_set_double_member (o, "focus_mm", us->focus_mm);
  json_object_set_double_member (o, "speed_of_sound_m_s", 1540);
  json_object_set_double_member (o, "tgc_db_cm_mhz", us->tgc_db_cm_mhz);
  json_object_set_double_member (o, "dynamic_range_db", us->dynamic_range_db);
  json_object_set_double_member (o, "muscle_level_db", us->muscle_level_db);
  json_object_set_double_member (o, "noise_db", us->noise_db);
  json_object_set_int_member (o, "render_seed", render_seed);
  json_object_set_boolean_member (o, "mirrored", b->mirror < 0);
  return o;
}

/**
 * np_phantom_build_ultrasound:
 *
 * Runs the template of @phantom_case's approach with @probe, renders the
 * B-mode frame and fills the plan and the scanner description.
 */
gboolean
np_phantom_build_ultrasound (NpPhantomCase  *phantom_case,
                             NpProbe         probe,
                             GError        **error)
{
  UsBuild b = { 0 };
  NpPlan *plan = phantom_case->plan;
  const char *id = phantom_case->approach_id;
  /* the speckle has its own stream, so a change in how the anatomy is
   * drawn does not reshuffle it, and vice versa */
  guint32 render_seed = phantom_case->seed * 747796405u + 2891336453u;
  gboolean ok = FALSE;

  b.c = phantom_case;
  b.mirror = 1;
  b.target_region = points_new ();
  b.structures = g_ptr_array_new_with_free_func (scan_structure_free);
  np_phantom_us_init (&b.us, probe);

  if (g_str_equal (id, "knee-suprapatellar-lateral"))
    build_knee_suprapatellar (&b);
  else if (g_str_equal (id, "shoulder-subacromial"))
    build_shoulder_subacromial (&b);
  else if (g_str_equal (id, "shoulder-glenohumeral-posterior"))
    {
      if (probe == NP_PROBE_CURVILINEAR)
        {
          b.us.frequency_mhz = 5.0;
          b.us.beam_width_mm = 1.1;
        }
      build_shoulder_glenohumeral (&b);
    }
  else if (g_str_equal (id, "hip-anterior-head-neck"))
    build_hip_anterior (&b);
  else
    {
      g_critical ("no ultrasound template for the approach “%s”", id);
      goto out;
    }

  b.us.header_right = g_strdup_printf ("%s %.1fMHZ", probe == NP_PROBE_LINEAR ? "L12-5" : "C5-2",
                                       b.us.frequency_mhz);
  np_phantom_us_fit_frame (&b.us);
  phantom_case->frame = np_phantom_us_render (&b.us, b.map, render_seed, error);
  if (phantom_case->frame == NULL)
    goto out;

  phantom_case->pixel_mm = b.us.pixel_mm;
  phantom_case->target_depth_mm = np_phantom_us_depth (&b.us, mirrored (&b, b.target));
  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = probe;
  plan->technique = b.technique;
  plan->speed_of_sound_m_s = 1540;
  plan->has_target = TRUE;
  plan->target = to_image (&b, b.target);
  {
    g_autoptr(GArray) region = image_points (&b, b.target_region);
    g_array_append_vals (plan->target_region, region->data, region->len);
  }
  add_skin_line (&b, plan);
  add_plan_structures (&b, plan);

  phantom_case->scanner = describe_scanner (&b, render_seed);
  phantom_case->extra = json_object_new ();
  choose_entry (&b, plan, phantom_case->extra);
  ok = TRUE;

out:
  np_phantom_us_clear (&b.us);
  g_clear_pointer (&b.map, np_tissue_map_free);
  g_array_unref (b.target_region);
  g_ptr_array_unref (b.structures);
  return ok;
}
