/* np-dicom-file.cpp: one DICOM file inside the importer process: the header
 * facts, the limits checked on them, and frames as grey or RGB
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicom-file.h"
#include "np-dicom-writer.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcspchrs.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace np {

namespace {

/* Limits checked on the header before any pixel memory is touched. They sit
 * well inside the core's 2 GiB address-space limit on this process. */
const uint64_t max_frame_pixels = 64ull * 1024 * 1024;        /* NP_FRAME_MAX_PIXELS */
const uint64_t max_frame_bytes = 256ull * 1024 * 1024;
const uint64_t max_whole_decode_bytes = 768ull * 1024 * 1024;
const long max_frames = 100000;
const char *const debian_dictionary = "/usr/share/libdcmtk17/dicom.dic";

long
get_long (DcmItem *item, const DcmTagKey &key, long fallback)
{
  Uint16 u16;
  Sint32 s32;
  OFString s;
  if (item->findAndGetUint16 (key, u16).good ())
    return u16;
  if (item->findAndGetSint32 (key, s32).good ())
    return s32;
  if (item->findAndGetOFString (key, s).good ())
    return std::strtol (s.c_str (), nullptr, 10);
  return fallback;
}

bool
get_double (DcmItem *item, const DcmTagKey &key, double &value, unsigned long pos = 0)
{
  Float64 f;
  if (item->findAndGetFloat64 (key, f, pos).good () && std::isfinite (f))
    {
      value = f;
      return true;
    }
  return false;
}

inline uint8_t
clamp_byte (double v)
{
  return static_cast<uint8_t> (v < 0 ? 0 : v > 255 ? 255 : std::lround (v));
}

void
ybr_to_rgb (uint8_t y, uint8_t cb, uint8_t cr, uint8_t *rgb)
{
  /* PS3.3 C.7.6.3.1.2, YBR_FULL. */
  double yy = y, b = cb - 128.0, r = cr - 128.0;
  rgb[0] = clamp_byte (yy + 1.402 * r);
  rgb[1] = clamp_byte (yy - 0.344136 * b - 0.714136 * r);
  rgb[2] = clamp_byte (yy + 1.772 * b);
}

} // namespace

/* Deregistering frees DCMTK's codec list, so leak checkers see none. */
static void
dicom_cleanup ()
{
  DJDecoderRegistration::cleanup ();
  DJLSDecoderRegistration::cleanup ();
  DcmRLEDecoderRegistration::cleanup ();
}

bool
dicom_init ()
{
  if (std::getenv ("DCMDICTPATH") == nullptr && access (debian_dictionary, R_OK) == 0)
    setenv ("DCMDICTPATH", debian_dictionary, 0);
  DJDecoderRegistration::registerCodecs (EDC_photometricInterpretation, EUC_never, EPC_colorByPixel);
  DJLSDecoderRegistration::registerCodecs (EJLSUC_never, EJLSPC_colorByPixel);
  DcmRLEDecoderRegistration::registerCodecs ();
  std::atexit (dicom_cleanup);
  return dcmDataDict.isDictionaryLoaded ();
}

std::string
DicomFile::text (const DcmTagKey &key)
{
  OFString raw;
  if (dataset_->findAndGetOFStringArray (key, raw).bad ())
    return std::string ();
  std::string bytes (raw.c_str (), raw.length ());
  if (!charset_.empty ())
    {
      DcmSpecificCharacterSet converter;
      OFString utf8;
      if (converter.selectCharacterSet (charset_.c_str ()).good ()
          && converter.convertString (raw, utf8, "\\^=").good ())
        bytes.assign (utf8.c_str (), utf8.length ());
      else if (!np::is_valid_utf8 (bytes))
        bytes = np::latin1_to_utf8 (bytes);
    }
  else if (!np::is_valid_utf8 (bytes))
    bytes = np::latin1_to_utf8 (bytes);
  /* Trailing pad spaces are padding, not content. */
  while (!bytes.empty () && (bytes.back () == ' ' || bytes.back () == '\0'))
    bytes.pop_back ();
  return bytes;
}

std::string
DicomFile::doubles_json (const DcmTagKey &key)
{
  std::string out = "[";
  for (unsigned long i = 0; i < 2; i++)
    {
      double v;
      if (!get_double (dataset_, key, v, i))
        break;
      char buffer[40];
      std::snprintf (buffer, sizeof buffer, "%s%.17g", i > 0 ? "," : "", v);
      out += buffer;
    }
  return out + "]";
}

std::string
DicomFile::regions_json ()
{
  std::string out = "[";
  for (int i = 0;; i++)
    {
      DcmItem *item = nullptr;
      if (dataset_->findAndGetSequenceItem (DCM_SequenceOfUltrasoundRegions, item, i).bad ()
          || item == nullptr)
        break;
      np::JsonObject region;
      Uint32 u32;
      double d;
      static const struct { DcmTagKey key; const char *name; } bounds[] = {
        { DCM_RegionLocationMinX0, "x0" }, { DCM_RegionLocationMinY0, "y0" },
        { DCM_RegionLocationMaxX1, "x1" }, { DCM_RegionLocationMaxY1, "y1" },
      };
      for (const auto &b : bounds)
        if (item->findAndGetUint32 (b.key, u32).good ())
          region.add_int (b.name, u32);
      region.add_int ("spatial_format", get_long (item, DCM_RegionSpatialFormat, -1));
      region.add_int ("data_type", get_long (item, DCM_RegionDataType, -1));
      region.add_int ("units_x", get_long (item, DCM_PhysicalUnitsXDirection, -1));
      region.add_int ("units_y", get_long (item, DCM_PhysicalUnitsYDirection, -1));
      if (get_double (item, DCM_PhysicalDeltaX, d))
        region.add_double ("delta_x", d);
      if (get_double (item, DCM_PhysicalDeltaY, d))
        region.add_double ("delta_y", d);
      if (i > 0)
        out += ",";
      out += region.str ();
    }
  return out + "]";
}

static bool
is_jpeg2000 (E_TransferSyntax xfer)
{
  return xfer == EXS_JPEG2000LosslessOnly || xfer == EXS_JPEG2000
         || xfer == EXS_JPEG2000MulticomponentLosslessOnly || xfer == EXS_JPEG2000Multicomponent
         || xfer == EXS_JPIPReferenced || xfer == EXS_JPIPReferencedDeflate;
}

bool
DicomFile::load_palette_channel (const DcmTagKey &descriptor_key, const DcmTagKey &data_key,
                                 const DcmTagKey &segmented_key, np::PaletteChannel &channel,
                                 Failure &failure)
{
  Uint16 descriptor[3];
  for (unsigned long i = 0; i < 3; i++)
    if (dataset_->findAndGetUint16 (descriptor_key, descriptor[i], i).bad ())
      {
        failure = { "corrupt", "the colour palette's descriptor is missing or incomplete" };
        return false;
      }
  size_t entries = descriptor[0] == 0 ? 65536 : descriptor[0];
  channel.first_mapped = descriptor[1];
  channel.bits = descriptor[2];
  if (channel.bits != 8 && channel.bits != 16)
    {
      failure = { "not-supported", "the colour palette uses " + std::to_string (channel.bits)
                                       + "-bit entries (8 or 16 are read)" };
      return false;
    }

  const Uint16 *words = nullptr;
  unsigned long n_words = 0;
  if (dataset_->findAndGetUint16Array (segmented_key, words, &n_words).good () && words != nullptr)
    {
      std::string error;
      if (!np::expand_segmented_lut (words, n_words, entries, channel.values, error))
        {
          failure = { "corrupt", error };
          return false;
        }
      return true;
    }
  if (dataset_->findAndGetUint16Array (data_key, words, &n_words).bad () || words == nullptr)
    {
      failure = { "corrupt", "the colour palette has no table data" };
      return false;
    }
  channel.values.clear ();
  if (channel.bits == 8 && n_words * 2 == entries)
    {
      /* 8-bit entries packed two to a word, low byte first. */
      for (unsigned long i = 0; i < n_words; i++)
        {
          channel.values.push_back (words[i] & 0xff);
          channel.values.push_back (words[i] >> 8);
        }
    }
  else if (n_words >= entries)
    {
      for (size_t i = 0; i < entries; i++)
        channel.values.push_back (channel.bits == 8 ? (words[i] & 0xff) : words[i]);
    }
  else
    {
      failure = { "corrupt", "the colour palette's table is shorter than its descriptor says" };
      return false;
    }
  return true;
}

bool
DicomFile::load_palette (Failure &failure)
{
  if (!load_palette_channel (DCM_RedPaletteColorLookupTableDescriptor,
                             DCM_RedPaletteColorLookupTableData,
                             DCM_SegmentedRedPaletteColorLookupTableData, palette_[0], failure)
      || !load_palette_channel (DCM_GreenPaletteColorLookupTableDescriptor,
                                DCM_GreenPaletteColorLookupTableData,
                                DCM_SegmentedGreenPaletteColorLookupTableData, palette_[1], failure)
      || !load_palette_channel (DCM_BluePaletteColorLookupTableDescriptor,
                                DCM_BluePaletteColorLookupTableData,
                                DCM_SegmentedBluePaletteColorLookupTableData, palette_[2], failure))
    return false;
  /* 16-bit tables whose values all fit in 8 bits are 8-bit tables written
   * wide (as DCMTK also reads them); others keep their top byte. */
  uint16_t largest = 0;
  bool wide = false;
  for (const auto &channel : palette_)
    {
      wide = wide || channel.bits == 16;
      for (uint16_t v : channel.values)
        largest = std::max (largest, v);
    }
  palette_shift_ = (wide && largest > 255) ? 8 : 0;
  return true;
}

bool
DicomFile::open (const std::string &path, np::JsonObject &facts, Failure &failure)
{
  if (opened_)
    {
      failure = { "protocol", "a file is already open in this helper" };
      return false;
    }
  struct stat st;
  if (stat (path.c_str (), &st) != 0)
    {
      failure = { "not-found", std::string ("cannot read the file: ") + std::strerror (errno) };
      return false;
    }
  /* Elements above 4 KiB (the pixel data) stay on disk until a frame needs
   * them, so the header is checked before any pixel memory is spent. */
  OFCondition status = file_.loadFile (path.c_str (), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
  if (status.bad ())
    {
      failure = { "corrupt", std::string ("DCMTK cannot read it as DICOM: ") + status.text () };
      return false;
    }
  return inspect (facts, failure);
}

/* The plan JSON NeedlePlan stores in its Secondary Captures (the
 * "NEEDLEPLAN 1" private block, np-dicom-writer.cpp), or "". */
static std::string
needleplan_plan (DcmDataset *dataset)
{
  for (Uint16 block = 0x10; block <= 0xff; block++)
    {
      OFString creator;
      if (dataset->findAndGetOFString (DcmTagKey (np::private_group, block), creator).bad ())
        continue;
      while (!creator.empty () && creator[creator.size () - 1] == ' ')
        creator.erase (creator.size () - 1);
      if (creator != NP_DICOM_PRIVATE_CREATOR)
        continue;
      OFString plan;
      Uint16 element = static_cast<Uint16> ((block << 8) | (np::private_plan_element & 0xff));
      if (dataset->findAndGetOFStringArray (DcmTagKey (np::private_group, element), plan).bad ())
        return std::string ();
      std::string text (plan.c_str (), plan.size ());
      while (!text.empty () && (text.back () == ' ' || text.back () == '\0'))
        text.pop_back ();
      return text;
    }
  return std::string ();
}

bool
DicomFile::inspect (np::JsonObject &facts, Failure &failure)
{
  dataset_ = file_.getDataset ();
  xfer_ = dataset_->getOriginalXfer ();
  DcmXfer xfer (xfer_);
  encapsulated_ = xfer.isEncapsulated ();

  DcmElement *pixel_element = nullptr;
  if (dataset_->findAndGetElement (DCM_PixelData, pixel_element).bad () || pixel_element == nullptr)
    {
      failure = { "not-supported", "the file holds no image (no Pixel Data element)" };
      return false;
    }
  if (is_jpeg2000 (xfer_))
    {
      failure = { "not-supported", "JPEG 2000 compressed images are not supported yet" };
      return false;
    }
  if (encapsulated_ && !DcmCodecList::canChangeCoding (xfer_, EXS_LittleEndianExplicit))
    {
      failure = { "not-supported", std::string ("images compressed as ") + xfer.getXferName ()
                                       + " are not supported" };
      return false;
    }

  rows_ = get_long (dataset_, DCM_Rows, 0);
  columns_ = get_long (dataset_, DCM_Columns, 0);
  frames_ = get_long (dataset_, DCM_NumberOfFrames, 1);
  samples_ = get_long (dataset_, DCM_SamplesPerPixel, 1);
  bits_allocated_ = get_long (dataset_, DCM_BitsAllocated, 0);
  bits_stored_ = get_long (dataset_, DCM_BitsStored, bits_allocated_);
  high_bit_ = get_long (dataset_, DCM_HighBit, bits_stored_ - 1);
  pixel_representation_ = get_long (dataset_, DCM_PixelRepresentation, 0);
  planar_ = get_long (dataset_, DCM_PlanarConfiguration, 0);
  OFString photometric;
  dataset_->findAndGetOFString (DCM_PhotometricInterpretation, photometric);
  photometric_ = photometric.c_str ();

  if (rows_ <= 0 || columns_ <= 0)
    {
      failure = { "corrupt", "the image has no valid Rows or Columns" };
      return false;
    }
  if (frames_ <= 0 || frames_ > max_frames)
    {
      failure = { "corrupt", "the Number of Frames (" + std::to_string (frames_) + ") is out of range" };
      return false;
    }
  if (bits_allocated_ != 8 && bits_allocated_ != 16)
    {
      failure = { "not-supported", std::to_string (bits_allocated_)
                                       + "-bit pixels are not supported (8 or 16 bits are read)" };
      return false;
    }
  if (bits_stored_ <= 0 || bits_stored_ > bits_allocated_ || high_bit_ != bits_stored_ - 1)
    {
      failure = { "corrupt", "Bits Stored / High Bit do not fit Bits Allocated" };
      return false;
    }
  bool grey = photometric_ == "MONOCHROME1" || photometric_ == "MONOCHROME2";
  bool palette = photometric_ == "PALETTE COLOR";
  bool colour = photometric_ == "RGB" || photometric_ == "YBR_FULL" || photometric_ == "YBR_FULL_422";
  if (photometric_.empty ())
    {
      failure = { "corrupt", "the image has no Photometric Interpretation" };
      return false;
    }
  if (!grey && !palette && !colour)
    {
      failure = { "not-supported", "the photometric interpretation '" + photometric_ + "' is not supported" };
      return false;
    }
  if (((grey || palette) && samples_ != 1) || (colour && samples_ != 3))
    {
      failure = { "corrupt", "Samples per Pixel (" + std::to_string (samples_)
                                 + ") does not fit " + photometric_ };
      return false;
    }
  if (colour && bits_allocated_ != 8)
    {
      failure = { "not-supported", "colour images with 16-bit samples are not supported" };
      return false;
    }
  uint64_t pixels = static_cast<uint64_t> (rows_) * static_cast<uint64_t> (columns_);
  uint64_t out_bytes = pixels * ((grey) ? static_cast<uint64_t> (bits_allocated_ / 8) : 3u);
  if (pixels > max_frame_pixels || out_bytes > max_frame_bytes)
    {
      failure = { "too-large", "the image is " + std::to_string (columns_) + " × " + std::to_string (rows_)
                                   + " pixels, over the limit of 64 megapixels (8192 × 8192)" };
      return false;
    }
  if (palette && !load_palette (failure))
    return false;

  OFString charset;
  if (dataset_->findAndGetOFStringArray (DCM_SpecificCharacterSet, charset).good ())
    {
      charset_ = charset.c_str ();
      /* 'ISO-IR 100' (IM00001 files) is a common misspelling of ISO_IR 100. */
      for (size_t at; (at = charset_.find ("ISO-IR ")) != std::string::npos;)
        charset_[at + 3] = '_';
    }

  facts.add_int ("rows", rows_);
  facts.add_int ("columns", columns_);
  facts.add_int ("frames", frames_);
  facts.add_int ("samples_per_pixel", samples_);
  facts.add_int ("bits_allocated", bits_allocated_);
  facts.add_int ("bits_stored", bits_stored_);
  facts.add_bool ("signed", pixel_representation_ == 1);
  facts.add_string ("photometric", photometric_);
  facts.add_string ("delivered", grey ? "grey" : "rgb");
  facts.add_bool ("invert", photometric_ == "MONOCHROME1");
  facts.add_int ("planar_configuration", planar_);
  facts.add_string ("transfer_syntax_uid", xfer.getXferID ());
  facts.add_string ("transfer_syntax", xfer.getXferName ());
  facts.add_string ("character_set", charset.c_str ());

  static const struct { DcmTagKey key; const char *name; } strings[] = {
    { DCM_Modality, "modality" },
    { DCM_SOPClassUID, "sop_class_uid" },
    { DCM_SOPInstanceUID, "sop_instance_uid" },
    { DCM_StudyInstanceUID, "study_instance_uid" },
    { DCM_SeriesInstanceUID, "series_instance_uid" },
    { DCM_PatientName, "patient_name" },
    { DCM_PatientID, "patient_id" },
    { DCM_PatientBirthDate, "patient_birth_date" },
    { DCM_PatientSex, "patient_sex" },
    { DCM_StudyDate, "study_date" },
    { DCM_StudyDescription, "study_description" },
    { DCM_AccessionNumber, "accession_number" },
    { DCM_ReferringPhysicianName, "referring_physician" },
    { DCM_InstitutionName, "institution" },
    { DCM_Manufacturer, "manufacturer" },
    { DCM_ManufacturerModelName, "model" },
  };
  for (const auto &s : strings)
    facts.add_string (s.name, text (s.key));

  double d;
  static const struct { DcmTagKey key; const char *name; } numbers[] = {
    { DCM_FrameTime, "frame_time" },
    { DCM_RescaleSlope, "rescale_slope" },
    { DCM_RescaleIntercept, "rescale_intercept" },
    { DCM_WindowCenter, "window_center" },
    { DCM_WindowWidth, "window_width" },
    { DCM_EstimatedRadiographicMagnificationFactor, "magnification" },
    { DCM_DistanceSourceToDetector, "sid" },
    { DCM_DistanceSourceToPatient, "sod" },
  };
  for (const auto &n : numbers)
    if (get_double (dataset_, n.key, d))
      facts.add_double (n.name, d);
  facts.add_raw ("pixel_spacing", doubles_json (DCM_PixelSpacing));
  facts.add_raw ("imager_pixel_spacing", doubles_json (DCM_ImagerPixelSpacing));
  facts.add_raw ("regions", regions_json ());
  std::string plan = needleplan_plan (dataset_);
  /* The header must stay under the core's 1 MiB limit; a larger plan is
   * only announced. */
  if (!plan.empty ())
    {
      facts.add_bool ("needleplan_plan_inside", true);
      if (plan.size () <= max_plan_in_header && np::is_valid_utf8 (plan))
        facts.add_string ("needleplan_plan", plan);
    }
  opened_ = true;
  return true;
}

bool
DicomFile::frame (long index, np::JsonObject &header, std::vector<uint8_t> &pixels, Failure &failure)
{
  if (!opened_)
    {
      failure = { "protocol", "no file is open" };
      return false;
    }
  if (index < 0 || index >= frames_)
    {
      failure = { "invalid", "frame " + std::to_string (index + 1) + " does not exist (the file has "
                                 + std::to_string (frames_) + ")" };
      return false;
    }
  DcmElement *element = nullptr;
  dataset_->findAndGetElement (DCM_PixelData, element);
  DcmPixelData *pixel_data = dynamic_cast<DcmPixelData *> (element);
  if (pixel_data == nullptr)
    {
      failure = { "corrupt", "the Pixel Data element is not pixel data" };
      return false;
    }

  size_t pixels_n = static_cast<size_t> (rows_) * static_cast<size_t> (columns_);
  size_t sample_bytes = static_cast<size_t> (bits_allocated_ / 8);
  size_t frame_bytes = pixels_n * static_cast<size_t> (samples_) * sample_bytes;
  Uint32 dcmtk_size = 0;
  if (pixel_data->getUncompressedFrameSize (dataset_, dcmtk_size).good ())
    frame_bytes = std::max (frame_bytes, static_cast<size_t> (dcmtk_size));
  if (frame_bytes > max_frame_bytes)
    {
      failure = { "too-large", "one frame would need more than 256 MiB" };
      return false;
    }
  if (!encapsulated_ || whole_decoded_)
    {
      /* Native data: the element's length is known without reading it. */
      uint64_t need = static_cast<uint64_t> (index + 1) * (pixels_n * static_cast<size_t> (samples_) * sample_bytes);
      if (photometric_ == "YBR_FULL_422")
        need = static_cast<uint64_t> (index + 1) * pixels_n * 2;
      if (pixel_data->getLength () < need)
        {
          failure = { "corrupt", "the pixel data is shorter than the image size says (a truncated file?)" };
          return false;
        }
    }

  /* DCMTK wants an even buffer (pixel data lengths are even). */
  frame_bytes += frame_bytes & 1;
  std::vector<uint8_t> raw (frame_bytes, 0);
  OFString colour_model;
  Uint32 start_fragment = 0;
  OFCondition status = pixel_data->getUncompressedFrame (dataset_, static_cast<Uint32> (index), start_fragment,
                                                         raw.data (), static_cast<Uint32> (frame_bytes),
                                                         colour_model, &cache_);
  if (status.bad () && encapsulated_ && !whole_decoded_)
    {
      /* Without a basic offset table DCMTK cannot find a frame's fragments
       * in a multi-fragment file; decoding the whole file can. */
      uint64_t whole = static_cast<uint64_t> (frame_bytes) * static_cast<uint64_t> (frames_);
      if (whole > max_whole_decode_bytes)
        {
          failure = { "too-large", std::string ("frame ") + std::to_string (index + 1)
                                       + " cannot be decoded alone (" + status.text ()
                                       + ") and the whole file is over the 768 MiB decoding budget" };
          return false;
        }
      OFCondition whole_status = dataset_->chooseRepresentation (EXS_LittleEndianExplicit, nullptr);
      if (whole_status.bad () || !dataset_->canWriteXfer (EXS_LittleEndianExplicit))
        {
          failure = { "corrupt", std::string ("the compressed pixel data cannot be decoded: ")
                                     + (whole_status.bad () ? whole_status.text () : status.text ()) };
          return false;
        }
      whole_decoded_ = true;
      planar_ = get_long (dataset_, DCM_PlanarConfiguration, 0);
      dataset_->findAndGetElement (DCM_PixelData, element);
      pixel_data = dynamic_cast<DcmPixelData *> (element);
      if (pixel_data == nullptr)
        {
          failure = { "corrupt", "the decoded pixel data is missing" };
          return false;
        }
      start_fragment = 0;
      status = pixel_data->getUncompressedFrame (dataset_, static_cast<Uint32> (index), start_fragment,
                                                 raw.data (), static_cast<Uint32> (frame_bytes),
                                                 colour_model, &cache_);
    }
  if (status.bad ())
    {
      failure = { "corrupt", std::string ("frame ") + std::to_string (index + 1)
                                 + " cannot be decoded: " + status.text () };
      return false;
    }

  /* JPEG and JPEG-LS decoders are registered to hand out colour by pixel;
   * native and RLE data keep the file's planar configuration. */
  bool planar = samples_ == 3 && planar_ == 1
                && (!encapsulated_ || whole_decoded_ || xfer_ == EXS_RLELossless);
  std::string model = colour_model.empty () ? photometric_ : std::string (colour_model.c_str ());

  if (photometric_ == "MONOCHROME1" || photometric_ == "MONOCHROME2")
    {
      bool is_signed = pixel_representation_ == 1;
      uint32_t mask = (bits_stored_ >= 32) ? 0xffffffffu : ((1u << bits_stored_) - 1u);
      uint32_t sign = 1u << (bits_stored_ - 1);
      pixels.resize (pixels_n * sample_bytes);
      for (size_t i = 0; i < pixels_n; i++)
        {
          uint32_t v = sample_bytes == 1 ? raw[i] : static_cast<uint32_t> (reinterpret_cast<const uint16_t *> (raw.data ())[i]);
          v &= mask;
          if (is_signed && (v & sign))
            v |= ~mask;
          if (sample_bytes == 1)
            pixels[i] = static_cast<uint8_t> (v);
          else
            {
              pixels[2 * i] = static_cast<uint8_t> (v & 0xff);
              pixels[2 * i + 1] = static_cast<uint8_t> ((v >> 8) & 0xff);
            }
        }
      header.add_int ("channels", 1);
      header.add_int ("bits", bits_allocated_);
      header.add_bool ("signed", is_signed);
    }
  else if (photometric_ == "PALETTE COLOR")
    {
      uint32_t mask = (1u << bits_stored_) - 1u;
      pixels.resize (pixels_n * 3);
      for (size_t i = 0; i < pixels_n; i++)
        {
          long v = sample_bytes == 1 ? raw[i] : reinterpret_cast<const uint16_t *> (raw.data ())[i];
          v &= mask;
          for (int c = 0; c < 3; c++)
            pixels[3 * i + static_cast<size_t> (c)] = np::palette_lookup (palette_[c], v, palette_shift_);
        }
      header.add_int ("channels", 3);
      header.add_int ("bits", 8);
      header.add_bool ("signed", false);
    }
  else
    {
      pixels.resize (pixels_n * 3);
      if (model == "YBR_FULL_422" && !encapsulated_)
        {
          /* Two pixels share one Cb and one Cr: Y1 Y2 Cb Cr. */
          for (size_t i = 0; i < pixels_n; i += 2)
            {
              const uint8_t *q = raw.data () + i * 2;
              ybr_to_rgb (q[0], q[2], q[3], &pixels[3 * i]);
              if (i + 1 < pixels_n)
                ybr_to_rgb (q[1], q[2], q[3], &pixels[3 * (i + 1)]);
            }
        }
      else
        {
          for (size_t i = 0; i < pixels_n; i++)
            {
              uint8_t s[3];
              for (size_t c = 0; c < 3; c++)
                s[c] = planar ? raw[c * pixels_n + i] : raw[3 * i + c];
              if (model == "YBR_FULL" || model == "YBR_FULL_422")
                ybr_to_rgb (s[0], s[1], s[2], &pixels[3 * i]);
              else
                std::memcpy (&pixels[3 * i], s, 3);
            }
        }
      header.add_int ("channels", 3);
      header.add_int ("bits", 8);
      header.add_bool ("signed", false);
    }
  header.add_int ("index", index);
  header.add_int ("width", columns_);
  header.add_int ("height", rows_);
  return true;
}

} // namespace np
