/* np-dicom-writer.cpp: Secondary Capture and Encapsulated PDF files
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core decides every value (UIDs, patient and study attributes, what an
 * anonymised export leaves out); this file only lays them out as PS3.3
 * modules and encodes the file in memory, so the core writes it atomically.
 */

#include "np-dicom-writer.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrut.h>

#include <cstdlib>

namespace np {

namespace {

/* The largest image the core sends (as NP_DICOM_PROTOCOL_MAX_PAYLOAD). */
const long max_side = 8192;

std::string
value (const Request &request, const char *key)
{
  auto it = request.find (key);
  return it == request.end () ? std::string () : it->second;
}

long
number (const Request &request, const char *key)
{
  std::string text = value (request, key);
  return text.empty () ? 0 : std::strtol (text.c_str (), nullptr, 10);
}

bool
put (DcmItem *item, const DcmTagKey &key, const std::string &text, Failure &failure)
{
  OFCondition status = item->putAndInsertOFStringArray (key, text.c_str ());
  if (status.bad ())
    {
      failure = { "failed", std::string ("cannot set ") + DcmTag (key).getTagName () + ": "
                                + status.text () };
      return false;
    }
  return true;
}

bool
put_us (DcmItem *item, const DcmTagKey &key, long number, Failure &failure)
{
  OFCondition status = item->putAndInsertUint16 (key, static_cast<Uint16> (number));
  if (status.bad ())
    {
      failure = { "failed", std::string ("cannot set ") + DcmTag (key).getTagName () + ": "
                                + status.text () };
      return false;
    }
  return true;
}

/* Patient, General Study, General Series, General Equipment, SC Equipment
 * and SOP Common: what both kinds share. */
bool
put_common (DcmDataset *dataset, const Request &request, const char *sop_class,
            const char *modality, Failure &failure)
{
  struct
  {
    DcmTagKey key;
    const char *member;
  } members[] = {
    { DCM_SOPInstanceUID, "sop_instance_uid" },
    { DCM_StudyInstanceUID, "study_instance_uid" },
    { DCM_SeriesInstanceUID, "series_instance_uid" },
    { DCM_PatientName, "patient_name" },
    { DCM_PatientID, "patient_id" },
    { DCM_PatientBirthDate, "patient_birth_date" },
    { DCM_PatientSex, "patient_sex" },
    { DCM_StudyDate, "study_date" },
    { DCM_StudyTime, "study_time" },
    { DCM_AccessionNumber, "accession_number" },
    { DCM_ReferringPhysicianName, "referring_physician" },
    { DCM_StudyID, "study_id" },
    { DCM_ContentDate, "content_date" },
    { DCM_ContentTime, "content_time" },
    { DCM_SeriesDescription, "series_description" },
    { DCM_SoftwareVersions, "software_versions" },
  };

  /* The core sends UTF-8. */
  if (!put (dataset, DCM_SpecificCharacterSet, "ISO_IR 192", failure)
      || !put (dataset, DCM_SOPClassUID, sop_class, failure)
      || !put (dataset, DCM_Modality, modality, failure)
      || !put (dataset, DCM_ConversionType, "WSD", failure)
      || !put (dataset, DCM_Manufacturer, "NeedlePlan", failure)
      || !put (dataset, DCM_SeriesNumber, value (request, "series_number"), failure)
      || !put (dataset, DCM_InstanceNumber, "1", failure))
    return false;
  for (const auto &member : members)
    if (!put (dataset, member.key, value (request, member.member), failure))
      return false;
  std::string description = value (request, "study_description");
  if (!description.empty () && !put (dataset, DCM_StudyDescription, description, failure))
    return false;
  return true;
}

bool
put_secondary_capture (DcmDataset *dataset, const Request &request,
                       const std::vector<uint8_t> &payload, Failure &failure)
{
  long rows = number (request, "rows");
  long columns = number (request, "columns");
  long plan_bytes = number (request, "plan_bytes");

  if (rows <= 0 || columns <= 0 || rows > max_side || columns > max_side || plan_bytes < 0
      || static_cast<size_t> (plan_bytes) + static_cast<size_t> (rows * columns * 3)
             != payload.size ())
    {
      failure = { "protocol", "the image size does not match the payload" };
      return false;
    }
  if (!put_common (dataset, request, UID_SecondaryCaptureImageStorage, "OT", failure)
      || !put (dataset, DCM_ImageType, "DERIVED\\SECONDARY", failure)
      || !put (dataset, DCM_PatientOrientation, "", failure)
      || !put (dataset, DCM_Laterality, value (request, "laterality"), failure)
      || !put (dataset, DCM_BurnedInAnnotation, "YES", failure)
      || !put (dataset, DCM_DerivationDescription,
               "Planning overlay and caption burned in by NeedlePlan", failure)
      || !put_us (dataset, DCM_SamplesPerPixel, 3, failure)
      || !put (dataset, DCM_PhotometricInterpretation, "RGB", failure)
      || !put_us (dataset, DCM_PlanarConfiguration, 0, failure)
      || !put_us (dataset, DCM_Rows, rows, failure)
      || !put_us (dataset, DCM_Columns, columns, failure)
      || !put_us (dataset, DCM_BitsAllocated, 8, failure)
      || !put_us (dataset, DCM_BitsStored, 8, failure)
      || !put_us (dataset, DCM_HighBit, 7, failure)
      || !put_us (dataset, DCM_PixelRepresentation, 0, failure))
    return false;

  std::string source = value (request, "source_sop_instance_uid");
  if (!source.empty ())
    {
      DcmItem *item = nullptr;
      if (dataset->findOrCreateSequenceItem (DCM_SourceImageSequence, item, 0).bad ()
          || !put (item, DCM_ReferencedSOPClassUID, value (request, "source_sop_class_uid"),
                   failure)
          || !put (item, DCM_ReferencedSOPInstanceUID, source, failure))
        {
          if (failure.message.empty ())
            failure = { "failed", "cannot build the Source Image Sequence" };
          return false;
        }
      long frame = number (request, "source_frame");
      if (frame > 0 && !put (item, DCM_ReferencedFrameNumber, std::to_string (frame), failure))
        return false;
    }

  if (plan_bytes > 0)
    {
      std::string plan (reinterpret_cast<const char *> (payload.data ()),
                        static_cast<size_t> (plan_bytes));
      DcmTag creator (private_group, private_creator_element, EVR_LO);
      DcmTag tag (private_group, private_plan_element, NP_DICOM_PRIVATE_CREATOR);
      tag.setVR (EVR_UT);
      DcmUnlimitedText *element = new DcmUnlimitedText (tag);
      if (dataset->putAndInsertString (creator, NP_DICOM_PRIVATE_CREATOR).bad ()
          || element->putOFStringArray (plan.c_str ()).bad ()
          || dataset->insert (element, true).bad ())
        {
          failure = { "failed", "cannot store the plan in the private block" };
          return false;
        }
    }

  OFCondition status = dataset->putAndInsertUint8Array (
      DCM_PixelData, payload.data () + plan_bytes, static_cast<unsigned long> (rows * columns * 3));
  if (status.bad ())
    {
      failure = { "failed", std::string ("cannot store the pixels: ") + status.text () };
      return false;
    }
  return true;
}

bool
put_encapsulated_pdf (DcmDataset *dataset, const Request &request,
                      const std::vector<uint8_t> &payload, Failure &failure)
{
  if (payload.size () < 5 || payload.size () > 0xfffffff0u
      || std::string (reinterpret_cast<const char *> (payload.data ()), 5) != "%PDF-")
    {
      failure = { "protocol", "the payload is not a PDF document" };
      return false;
    }
  if (!put_common (dataset, request, UID_EncapsulatedPDFStorage, "DOC", failure)
      || !put (dataset, DCM_AcquisitionDateTime, "", failure)
      || !put (dataset, DCM_BurnedInAnnotation, value (request, "burned_in"), failure)
      || !put (dataset, DCM_DocumentTitle, value (request, "document_title"), failure)
      || !put (dataset, DCM_MIMETypeOfEncapsulatedDocument, "application/pdf", failure)
      || dataset->insertEmptyElement (DCM_ConceptNameCodeSequence).bad ())
    {
      if (failure.message.empty ())
        failure = { "failed", "cannot build the Concept Name Code Sequence" };
      return false;
    }
  /* OB pads an odd length with a zero byte; the length element keeps the
   * document's own size. */
  OFCondition status = dataset->putAndInsertUint32 (DCM_EncapsulatedDocumentLength,
                                                    static_cast<Uint32> (payload.size ()));
  if (status.good ())
    status = dataset->putAndInsertUint8Array (DCM_EncapsulatedDocument, payload.data (),
                                              static_cast<unsigned long> (payload.size ()));
  if (status.bad ())
    {
      failure = { "failed", std::string ("cannot store the document: ") + status.text () };
      return false;
    }
  return true;
}

/* Encodes the whole file, meta header included, into @out. */
bool
encode (DcmFileFormat &file, std::vector<uint8_t> &out, Failure &failure)
{
  std::vector<uint8_t> buffer (1024 * 1024);
  DcmOutputBufferStream stream (buffer.data (), buffer.size ());
  OFCondition status;

  out.clear ();
  file.transferInit ();
  do
    {
      status = file.write (stream, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr,
                           EGL_recalcGL, EPD_noChange, 0, 0, 0, EWM_createNewMeta);
      void *data = nullptr;
      offile_off_t length = 0;
      stream.flushBuffer (data, length);
      const uint8_t *bytes = static_cast<const uint8_t *> (data);
      out.insert (out.end (), bytes, bytes + length);
    }
  while (status == EC_StreamNotifyClient);
  file.transferEnd ();
  if (status.bad ())
    {
      failure = { "failed", std::string ("DCMTK cannot encode the file: ") + status.text () };
      return false;
    }
  return true;
}

} // namespace

bool
write_dicom (const Request &request, const std::vector<uint8_t> &payload,
             std::vector<uint8_t> &file_bytes, Failure &failure)
{
  DcmFileFormat file;
  DcmDataset *dataset = file.getDataset ();
  std::string kind = value (request, "kind");

  if (kind == "sc")
    {
      if (!put_secondary_capture (dataset, request, payload, failure))
        return false;
    }
  else if (kind == "pdf")
    {
      if (!put_encapsulated_pdf (dataset, request, payload, failure))
        return false;
    }
  else
    {
      failure = { "protocol", "unknown kind of record '" + kind + "'" };
      return false;
    }
  return encode (file, file_bytes, failure);
}

} // namespace np
