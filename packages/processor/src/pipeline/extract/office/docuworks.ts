import type { Extraction, Extractor } from '../../../core/types';
import { DOCUWORKS_MIMES } from '../../detect/mime';

/**
 * DocuWorks documents and binders (.xdw/.xbd). The only reader is Fuji Xerox's DocuWorks API,
 * a Windows DLL; the format is unpublished. They are stored by metadata, saying why.
 */
export const docuworksExtractor: Extractor = {
  name: 'docuworks',
  mimeTypes: DOCUWORKS_MIMES,
  weight: 1,
  // Reads nothing of the file: no reason to pay for the sandbox.
  inProcess: true,
  async extract(): Promise<Extraction> {
    return {
      text: '',
      pages: 0,
      ocrPages: [],
      metadataOnlyReason: 'DocuWorks: no reader outside Windows (DocuWorks API); stored by metadata',
    };
  },
};
