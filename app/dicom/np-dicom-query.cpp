/* np-dicom-query.cpp: C-FIND and C-GET against a PACS over DIMSE (DcmSCU)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where a PACS destination has no DICOMweb URL, the core searches and
 * retrieves through these two requests. Matches come back in the DICOM JSON
 * model of PS3.18 F.2, the form QIDO-RS answers in, so that the core reads
 * both with one parser; a retrieved instance comes back as file bytes, and
 * this process writes nothing to disk.
 */

#include "np-dicom-query.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcostrmb.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/scu.h>

#include <cstdio>
#include <cstdlib>

namespace np {

namespace {

struct Peer
{
  std::string host;
  long port = 0;
  std::string calling;
  std::string called;
  long timeout = 0;
};

std::string
member (const Request &request, const char *name)
{
  auto it = request.find (name);
  return it == request.end () ? std::string () : it->second;
}

bool
is_ae_title (const std::string &text)
{
  if (text.empty () || text.size () > 16)
    return false;
  for (char c : text)
    if (c < 0x20 || c > 0x7e || c == '\\')
      return false;
  return true;
}

long
number (const std::string &text, long low, long high)
{
  char *end = nullptr;
  long value = text.empty () ? -1 : std::strtol (text.c_str (), &end, 10);
  if (end == nullptr || *end != '\0' || value < low || value > high)
    return -1;
  return value;
}

bool
parse_peer (const Request &request, Peer &peer, Failure &failure)
{
  peer.host = member (request, "host");
  peer.port = number (member (request, "port"), 1, 65535);
  peer.calling = member (request, "calling_aet");
  peer.called = member (request, "called_aet");
  peer.timeout = number (member (request, "timeout"), 1, 600);
  if (peer.host.empty () || peer.port < 0 || peer.timeout < 0
      || !is_ae_title (peer.calling) || !is_ae_title (peer.called))
    {
      failure = { "invalid", "the PACS needs a host, a port from 1 to 65535, AE titles of 1 to 16 "
                             "characters and a timeout from 1 to 600 s" };
      return false;
    }
  return true;
}

void
configure (DcmSCU &scu, const Peer &peer)
{
  scu.setAETitle (peer.calling.c_str ());
  scu.setPeerHostName (peer.host.c_str ());
  scu.setPeerPort (static_cast<Uint16> (peer.port));
  scu.setPeerAETitle (peer.called.c_str ());
  scu.setMaxReceivePDULength (ASC_DEFAULTMAXPDU);
  scu.setACSETimeout (static_cast<Uint32> (peer.timeout));
  scu.setDIMSETimeout (static_cast<Uint32> (peer.timeout));
  scu.setDIMSEBlockingMode (DIMSE_NONBLOCKING);
  scu.setConnectionTimeout (static_cast<Sint32> (peer.timeout));
}

/* Opens the association, saying in words what failed: nobody listening,
 * a refused association (wrong called or unknown calling AE title). */
bool
connect (DcmSCU &scu, const Peer &peer, Failure &failure)
{
  OFCondition status = scu.initNetwork ();
  if (status.bad ())
    {
      failure = { "failed", std::string ("cannot start DICOM networking: ") + status.text () };
      return false;
    }
  status = scu.negotiateAssociation ();
  if (status.bad ())
    {
      std::string text = status.text ();
      if (status == DUL_ASSOCIATIONREJECTED || text.find ("Rejected") != std::string::npos)
        failure = { "failed", "refused the association (is " + peer.calling
                              + " registered there, and is " + peer.called
                              + " its AE title?): " + text };
      else
        failure = { "failed", "cannot be reached: " + text };
      return false;
    }
  return true;
}

OFList<OFString>
uncompressed_syntaxes ()
{
  OFList<OFString> syntaxes;
  syntaxes.push_back (UID_LittleEndianExplicitTransferSyntax);
  syntaxes.push_back (UID_LittleEndianImplicitTransferSyntax);
  return syntaxes;
}

std::string
utf8 (const OFString &raw)
{
  std::string bytes (raw.c_str (), raw.length ());
  return is_valid_utf8 (bytes) ? bytes : latin1_to_utf8 (bytes);
}

std::vector<std::string>
split (const std::string &text, char separator)
{
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;)
    {
      size_t end = text.find (separator, start);
      parts.push_back (text.substr (start, end == std::string::npos ? end : end - start));
      if (end == std::string::npos)
        return parts;
      start = end + 1;
    }
}

bool
is_number_vr (const std::string &vr)
{
  return vr == "IS" || vr == "DS" || vr == "US" || vr == "UL" || vr == "SS" || vr == "SL"
         || vr == "FL" || vr == "FD";
}

/* One element in the DICOM JSON model: {"vr": …, "Value": […]}. */
std::string
element_json (DcmElement *element)
{
  std::string vr = DcmVR (element->getVR ()).getValidVRName ();
  OFString raw;
  std::string json = "{\"vr\":" + json_escape (vr);

  if (element->getOFStringArray (raw).good () && !raw.empty ())
    {
      std::vector<std::string> values = split (utf8 (raw), '\\');
      json += ",\"Value\":[";
      for (size_t i = 0; i < values.size (); i++)
        {
          std::string value = values[i];
          if (i > 0)
            json += ",";
          /* Trailing spaces pad values to even length. */
          while (!value.empty () && value.back () == ' ')
            value.pop_back ();
          char *end = nullptr;
          double parsed = is_number_vr (vr) && !value.empty ()
                          ? std::strtod (value.c_str (), &end) : 0;
          if (vr == "PN")
            json += "{\"Alphabetic\":" + json_escape (split (value, '=')[0]) + "}";
          else if (end != nullptr && *end == '\0')
            {
              char buffer[32];
              std::snprintf (buffer, sizeof buffer, "%.17g", parsed);
              json += buffer;
            }
          else
            json += json_escape (value);
        }
      json += "]";
    }
  return json + "}";
}

std::string
dataset_json (DcmDataset *dataset)
{
  std::string json = "{";
  bool first = true;

  /* Values in the answer's own character set become UTF-8. */
  dataset->convertToUTF8 ();
  for (unsigned long i = 0; i < dataset->card (); i++)
    {
      DcmElement *element = dataset->getElement (i);
      const DcmTag &tag = element->getTag ();
      char key[16];

      if (element->getVR () == EVR_SQ || tag.getGTag () == 0x7fe0 || tag == DCM_SpecificCharacterSet)
        continue;
      std::snprintf (key, sizeof key, "%04X%04X", tag.getGTag (), tag.getETag ());
      if (!first)
        json += ",";
      first = false;
      json += "\"" + std::string (key) + "\":" + element_json (element);
    }
  return json + "}";
}

void
put (DcmDataset &keys, const DcmTagKey &tag, const std::string &value)
{
  keys.putAndInsertOFStringArray (tag, value.c_str ());
}

std::string
status_text (Uint16 status)
{
  char buffer[8];
  std::snprintf (buffer, sizeof buffer, "0x%04X", status);
  return buffer;
}

/* C-GET: keeps the one instance in memory instead of writing a file. */
class GetScu : public DcmSCU
{
public:
  std::vector<uint8_t> file;
  std::string problem;
  bool received = false;

  OFCondition
  handleSTORERequest (const T_ASC_PresentationContextID presID, DcmDataset *incomingObject,
                      OFBool &continueCGETSession, Uint16 &cStoreReturnStatus) override
  {
    (void) presID;
    continueCGETSession = OFTrue;
    cStoreReturnStatus = STATUS_STORE_Refused_OutOfResources;
    if (incomingObject == nullptr || received)
      return EC_Normal;

    DcmFileFormat format (incomingObject);
    E_TransferSyntax xfer = incomingObject->getOriginalXfer ();
    std::vector<uint8_t> buffer (1024 * 1024);
    DcmOutputBufferStream stream (buffer.data (), buffer.size ());
    OFCondition status;

    format.transferInit ();
    do
      {
        status = format.write (stream, xfer, EET_ExplicitLength, nullptr, EGL_recalcGL,
                               EPD_noChange, 0, 0, 0, EWM_createNewMeta);
        void *data = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer (data, length);
        const uint8_t *bytes = static_cast<const uint8_t *> (data);
        file.insert (file.end (), bytes, bytes + length);
      }
    while (status == EC_StreamNotifyClient);
    format.transferEnd ();
    if (status.bad ())
      {
        problem = std::string ("DCMTK cannot encode the received instance: ") + status.text ();
        file.clear ();
        return EC_Normal;
      }
    received = true;
    cStoreReturnStatus = STATUS_Success;
    return EC_Normal;
  }
};

} // namespace

bool
query_find (const Request &request, std::string &json, Failure &failure)
{
  Peer peer;
  DcmSCU scu;
  std::string level = member (request, "level");
  const char *model = UID_FINDStudyRootQueryRetrieveInformationModel;

  if (!parse_peer (request, peer, failure))
    return false;
  if (level != "STUDY" && level != "SERIES" && level != "IMAGE")
    {
      failure = { "invalid", "the query level must be STUDY, SERIES or IMAGE, not '" + level + "'" };
      return false;
    }
  configure (scu, peer);
  scu.addPresentationContext (model, uncompressed_syntaxes ());
  if (!connect (scu, peer, failure))
    return false;
  T_ASC_PresentationContextID context = scu.findPresentationContextID (model, "");
  if (context == 0)
    {
      scu.releaseAssociation ();
      failure = { "failed", "does not answer queries (C-FIND) from " + peer.calling };
      return false;
    }

  DcmDataset keys;
  put (keys, DCM_QueryRetrieveLevel, level);
  put (keys, DCM_SpecificCharacterSet, "ISO_IR 192");
  put (keys, DCM_StudyInstanceUID, member (request, "study_uid"));
  put (keys, DCM_PatientName, member (request, "patient_name"));
  put (keys, DCM_PatientID, member (request, "patient_id"));
  put (keys, DCM_PatientBirthDate, "");
  put (keys, DCM_StudyDate, member (request, "study_date"));
  put (keys, DCM_StudyTime, "");
  put (keys, DCM_AccessionNumber, member (request, "accession_number"));
  put (keys, DCM_StudyDescription, "");
  if (level == "STUDY")
    {
      put (keys, DCM_ModalitiesInStudy, "");
      put (keys, DCM_NumberOfStudyRelatedInstances, "");
    }
  else
    {
      put (keys, DCM_SeriesInstanceUID, member (request, "series_uid"));
      put (keys, DCM_Modality, "");
      put (keys, DCM_SeriesNumber, "");
      put (keys, DCM_SeriesDescription, "");
    }
  if (level == "SERIES")
    put (keys, DCM_NumberOfSeriesRelatedInstances, "");
  if (level == "IMAGE")
    {
      put (keys, DCM_SOPInstanceUID, member (request, "sop_uid"));
      put (keys, DCM_SOPClassUID, "");
      put (keys, DCM_InstanceNumber, "");
      put (keys, DCM_NumberOfFrames, "");
    }

  OFList<QRResponse *> responses;
  OFCondition status = scu.sendFINDRequest (context, &keys, &responses);
  Uint16 final_status = 0;
  json = "[";
  bool first = true;
  for (QRResponse *response : responses)
    {
      final_status = response->m_status;
      if (response->m_dataset != nullptr && DICOM_PENDING_STATUS (response->m_status))
        {
          if (!first)
            json += ",";
          first = false;
          json += dataset_json (response->m_dataset);
        }
      delete response;
    }
  json += "]";
  scu.releaseAssociation ();
  if (status.bad ())
    {
      failure = { "failed", std::string ("did not finish the query: ") + status.text () };
      return false;
    }
  if (final_status != STATUS_Success)
    {
      failure = { "failed", "refused the query (status " + status_text (final_status)
                            + ")" };
      return false;
    }
  return true;
}

bool
query_get (const Request &request, std::vector<uint8_t> &file, Failure &failure)
{
  Peer peer;
  GetScu scu;
  const char *model = UID_GETStudyRootQueryRetrieveInformationModel;
  std::string sop_class = member (request, "sop_class_uid");
  std::string sop_uid = member (request, "sop_uid");

  if (!parse_peer (request, peer, failure))
    return false;
  if (sop_class.empty () || sop_uid.empty () || member (request, "study_uid").empty ()
      || member (request, "series_uid").empty ())
    {
      failure = { "invalid", "a retrieve names the study, series, SOP instance and SOP class" };
      return false;
    }
  configure (scu, peer);
  scu.addPresentationContext (model, uncompressed_syntaxes ());
  /* The instance comes back as a C-STORE on this association: accept it
   * as stored, compressed or not (the importer decodes these). */
  const char *stored[] = {
    UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
    UID_JPEGProcess1TransferSyntax, UID_JPEGProcess2_4TransferSyntax,
    UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess14TransferSyntax,
    UID_JPEGLSLosslessTransferSyntax, UID_JPEGLSLossyTransferSyntax,
    UID_RLELosslessTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax,
    UID_BigEndianExplicitTransferSyntax,
  };
  for (const char *syntax : stored)
    {
      OFList<OFString> one;
      one.push_back (syntax);
      scu.addPresentationContext (sop_class.c_str (), one, ASC_SC_ROLE_SCP);
    }
  if (!connect (scu, peer, failure))
    return false;
  T_ASC_PresentationContextID context = scu.findPresentationContextID (model, "");
  if (context == 0)
    {
      scu.releaseAssociation ();
      failure = { "failed", "does not let " + peer.calling
                            + " retrieve (C-GET)" };
      return false;
    }

  DcmDataset keys;
  put (keys, DCM_QueryRetrieveLevel, "IMAGE");
  put (keys, DCM_StudyInstanceUID, member (request, "study_uid"));
  put (keys, DCM_SeriesInstanceUID, member (request, "series_uid"));
  put (keys, DCM_SOPInstanceUID, sop_uid);

  OFList<RetrieveResponse *> responses;
  OFCondition status = scu.sendCGETRequest (context, &keys, &responses);
  Uint16 final_status = 0;
  for (RetrieveResponse *response : responses)
    {
      final_status = response->m_status;
      delete response;
    }
  scu.releaseAssociation ();
  if (status.bad ())
    {
      failure = { "failed", std::string ("did not finish the retrieve: ") + status.text () };
      return false;
    }
  if (!scu.received)
    {
      failure = { "failed", scu.problem.empty ()
                            ? "sent no instance " + sop_uid + " (status "
                              + status_text (final_status) + ")"
                            : scu.problem };
      return false;
    }
  file = std::move (scu.file);
  return true;
}

} // namespace np
