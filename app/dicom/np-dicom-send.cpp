/* np-dicom-send.cpp: the `send` request, C-STORE of files to a PACS
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DcmStorageSCU (the code behind dcmsend) proposes, for each file, its own
 * transfer syntax plus the uncompressed ones and decompresses if the PACS
 * accepts only those; storescu proposes only uncompressed syntaxes. Every
 * failure becomes a sentence a clinician can act on: which server, what it
 * refused and what to check.
 */

#include "np-dicom-send.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/cond.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/dcmnet/dstorscu.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace np {

namespace {

struct Outcome
{
  std::string path;
  std::string sop_class;
  std::string sop_instance;
  bool sent = false;
  Uint16 status = 0;
};

/* Records what happened to each file; the transfer list itself is private. */
class StorageScu : public DcmStorageSCU
{
public:
  std::vector<Outcome> outcomes;

protected:
  void notifySOPInstanceSent (const TransferEntry &entry) override
  {
    Outcome outcome;
    outcome.path = entry.Filename.getCharPointer () ? entry.Filename.getCharPointer () : "";
    outcome.sop_class = entry.SOPClassUID.c_str ();
    outcome.sop_instance = entry.SOPInstanceUID.c_str ();
    outcome.sent = entry.RequestSent;
    outcome.status = entry.ResponseStatusCode;
    outcomes.push_back (outcome);
  }
};

void
reply_failure (int out, const std::string &code, const std::string &message)
{
  JsonObject header;
  header.add_string ("status", "error");
  header.add_string ("code", code);
  header.add_string ("message", message);
  write_message (out, header.str (), nullptr, 0);
}

std::string
get (const Request &request, const std::string &key)
{
  auto it = request.find (key);
  return it == request.end () ? std::string () : it->second;
}

std::string
server_name (const Request &request)
{
  return "the PACS " + get (request, "called_aet") + " at " + get (request, "host") + ":"
         + get (request, "port");
}

/* DcmSCU keeps the A-ASSOCIATE-RJ reason to itself (it logs it at debug
 * level), so after a rejection a bare association request asks again. */
std::string
rejection_reason (const Request &request, Uint32 timeout)
{
  T_ASC_Network *net = nullptr;
  T_ASC_Parameters *params = nullptr;
  T_ASC_Association *assoc = nullptr;
  std::string reason = "it gave no reason";
  std::string peer = get (request, "host") + ":" + get (request, "port");
  const char *syntaxes[] = { UID_LittleEndianImplicitTransferSyntax };

  if (ASC_initializeNetwork (NET_REQUESTOR, 0, static_cast<int> (timeout), &net).bad ())
    return reason;
  if (ASC_createAssociationParameters (&params, ASC_DEFAULTMAXPDU).good ())
    {
      ASC_setAPTitles (params, get (request, "calling_aet").c_str (),
                       get (request, "called_aet").c_str (), nullptr);
      ASC_setPresentationAddresses (params, "localhost", peer.c_str ());
      ASC_addPresentationContext (params, 1, UID_VerificationSOPClass, syntaxes, 1);
      OFCondition cond = ASC_requestAssociation (net, params, &assoc);
      if (cond == DUL_ASSOCIATIONREJECTED)
        {
          T_ASC_RejectParameters rejection;
          ASC_getRejectParameters (params, &rejection);
          switch (rejection.reason)
            {
            case ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED:
              reason = "it does not answer to the called AE title \"" + get (request, "called_aet")
                       + "\" (check the called AE title of this destination)";
              break;
            case ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED:
              reason = "it does not know our calling AE title \"" + get (request, "calling_aet")
                       + "\" (the PACS administrator must register it, with this computer's address)";
              break;
            case ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED:
              reason = "it does not support the DICOM application context";
              break;
            case ASC_REASON_SP_PRES_TEMPORARYCONGESTION:
            case ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED:
              reason = "it is busy (try again later)";
              break;
            default:
              {
                OFString text;
                ASC_printRejectParameters (text, &rejection);
                reason = "it gave the reason: " + std::string (text.c_str ());
              }
              break;
            }
        }
      else if (cond.good ())
        {
          /* Accepted this time: whatever was refused was not the AE titles. */
          reason = "it refused the presentation contexts for these files";
          ASC_releaseAssociation (assoc);
        }
      if (assoc)
        ASC_destroyAssociation (&assoc);
      else
        ASC_destroyAssociationParameters (&params);
    }
  ASC_dropNetwork (&net);
  return reason;
}

/* What went wrong while making the association, in words. */
void
reply_association_failure (int out, const Request &request, const OFCondition &cond, Uint32 timeout)
{
  std::string text = cond.text ();
  std::string server = server_name (request);

  if (cond == DUL_ASSOCIATIONREJECTED)
    reply_failure (out, "refused", server + " refused the association: "
                                   + rejection_reason (request, timeout));
  else if (cond == NET_EC_NoAcceptablePresentationContexts)
    reply_failure (out, "not-supported", server + " accepts none of the kinds of object sent "
                                         "(Secondary Capture, Encapsulated PDF) in any transfer syntax we offer");
  else if (text.find ("Connection refused") != std::string::npos)
    reply_failure (out, "io", "Nothing answers at " + get (request, "host") + ":" + get (request, "port")
                              + ": the PACS is not running, or the host or port is wrong");
  else if (text.find ("imeout") != std::string::npos || text.find ("timed out") != std::string::npos)
    reply_failure (out, "timeout", server + " did not answer within " + std::to_string (timeout) + " s");
  else if (cond.code () == DULC_UNKNOWNHOST || text.find ("nknown host") != std::string::npos)
    reply_failure (out, "not-found", "Cannot find the host \"" + get (request, "host")
                                     + "\" (check the host name of this destination)");
  else if (cond.code () == DULC_PEERABORTEDASSOCIATION || text.find ("bort") != std::string::npos)
    reply_failure (out, "refused", server + " aborted the association");
  else
    reply_failure (out, "io", "Could not reach " + server + ": " + text);
}

std::string
status_words (Uint16 status)
{
  if (status == STATUS_Success)
    return "";
  if ((status & 0xff00) == 0xa700)
    return "the PACS is out of resources (disk full?)";
  if ((status & 0xff00) == 0xa900)
    return "the PACS says the data set does not match its SOP class";
  if ((status & 0xf000) == 0xc000)
    return "the PACS cannot understand the file";
  if (status == 0x0122)
    return "the PACS does not store this SOP class";
  if (status == 0x0124)
    return "the PACS does not allow us to store (not authorised)";
  if (status == 0xb000 || status == 0xb006 || status == 0xb007)
    return std::string ("stored with a warning: ") + DU_cstoreStatusString (status);
  return DU_cstoreStatusString (status);
}

} // namespace

void
serve_send (int out, const Request &request)
{
  StorageScu scu;
  long count = std::strtol (get (request, "count").c_str (), nullptr, 10);
  long port = std::strtol (get (request, "port").c_str (), nullptr, 10);
  long timeout = std::strtol (get (request, "timeout").c_str (), nullptr, 10);
  std::vector<std::string> paths;

  if (count < 1 || count > 1000 || port < 1 || port > 65535 || timeout < 1 || timeout > 3600
      || get (request, "host").empty () || get (request, "called_aet").empty ()
      || get (request, "calling_aet").empty ())
    {
      reply_failure (out, "protocol", "a send request needs host, port, calling_aet, called_aet, "
                                      "timeout and 1 to 1000 paths");
      return;
    }
  for (long i = 0; i < count; i++)
    {
      std::string path = get (request, "path." + std::to_string (i));
      OFCondition cond = scu.addDicomFile (path.c_str (), ERM_fileOnly, OFFalse);
      if (cond.bad ())
        {
          reply_failure (out, cond == NET_EC_InvalidSOPClassUID || cond == NET_EC_UnknownStorageSOPClass
                                ? "not-supported" : "invalid",
                         path + " is not a DICOM file that can be sent: " + cond.text ());
          return;
        }
      paths.push_back (path);
    }

  scu.setAETitle (get (request, "calling_aet").c_str ());
  scu.setPeerAETitle (get (request, "called_aet").c_str ());
  scu.setPeerHostName (get (request, "host").c_str ());
  scu.setPeerPort (static_cast<Uint16> (port));
  scu.setConnectionTimeout (static_cast<Sint32> (timeout));
  scu.setACSETimeout (static_cast<Uint32> (timeout));
  scu.setDIMSETimeout (static_cast<Uint32> (timeout));
  scu.setDIMSEBlockingMode (DIMSE_NONBLOCKING);
  scu.setDecompressionMode (DcmStorageSCU::DM_losslessOnly);
  scu.setHaltOnUnsuccessfulStoreMode (OFFalse);

  OFCondition cond = scu.addPresentationContexts ();
  if (cond.good ())
    cond = scu.initNetwork ();
  if (cond.bad ())
    {
      reply_failure (out, "failed", "Could not prepare the association: " + std::string (cond.text ()));
      return;
    }
  cond = scu.negotiateAssociation ();
  if (cond.bad ())
    {
      reply_association_failure (out, request, cond, static_cast<Uint32> (timeout));
      return;
    }
  cond = scu.sendSOPInstances ();
  if (scu.isConnected ())
    scu.releaseAssociation ();
  if (cond.bad () && scu.outcomes.empty ())
    {
      std::string text = cond.text ();
      if (text.find ("imeout") != std::string::npos)
        reply_failure (out, "timeout", server_name (request) + " did not answer within "
                                       + std::to_string (timeout) + " s while storing");
      else
        reply_failure (out, "io", "Sending to " + server_name (request) + " failed: " + text);
      return;
    }

  std::string results = "[";
  for (size_t i = 0; i < paths.size (); i++)
    {
      JsonObject item;
      const Outcome *outcome = nullptr;
      for (const Outcome &o : scu.outcomes)
        if (o.path == paths[i])
          outcome = &o;
      item.add_string ("path", paths[i]);
      if (outcome == nullptr || !outcome->sent)
        {
          item.add_bool ("stored", false);
          item.add_string ("message", cond.bad () ? "not sent: " + std::string (cond.text ())
                                                  : "not sent: the PACS accepted no presentation "
                                                    "context for this kind of object");
        }
      else
        {
          bool stored = outcome->status == STATUS_Success || (outcome->status & 0xf000) == 0xb000;
          item.add_string ("sop_instance_uid", outcome->sop_instance);
          item.add_int ("status", outcome->status);
          item.add_bool ("stored", stored);
          item.add_string ("message", status_words (outcome->status));
        }
      results += (i ? "," : "") + item.str ();
    }
  results += "]";

  JsonObject header;
  header.add_string ("status", "ok");
  header.add_raw ("results", results);
  write_message (out, header.str (), nullptr, 0);
}

} // namespace np
