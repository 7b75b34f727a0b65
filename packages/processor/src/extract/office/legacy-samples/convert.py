"""Converts the OOXML test documents into 97-2003 files, plain and password-protected, with
LibreOffice (through UNO), so the tests meet binary files written by a real Office suite.
(LibreOffice 7.4 here would not write password-protected OOXML; those tests build the OLE2
EncryptedPackage wrapper with cfb instead.)

Run by make-legacy.sh; needs a LibreOffice listening on 127.0.0.1:2002.
Usage: /usr/bin/python3 convert.py <input-dir> <output-dir>
"""
import os
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

PASSWORD = "cis-test"

# (source, target, LibreOffice export filter, password or None)
JOBS = [
    ("quote.docx", "quote.doc", "MS Word 97", None),
    ("invoice.xlsx", "invoice.xls", "MS Excel 97", None),
    ("deck.pptx", "deck.ppt", "MS PowerPoint 97", None),
    ("quote.docx", "locked.doc", "MS Word 97", PASSWORD),
    ("invoice.xlsx", "locked.xls", "MS Excel 97", PASSWORD),
]


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect():
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(60):
        try:
            return resolver.resolve("uno:socket,host=127.0.0.1,port=2002;urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not answer on 127.0.0.1:2002")


def main(src_dir, out_dir):
    ctx = connect()
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    for source, target, export_filter, password in JOBS:
        url = uno.systemPathToFileUrl(os.path.abspath(os.path.join(src_dir, source)))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        args = [prop("FilterName", export_filter), prop("Overwrite", True)]
        if password:
            args.append(prop("Password", password))
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(os.path.join(out_dir, target))), tuple(args))
        doc.close(True)
        print(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
