/// The media type written in DataObjectFormat for a file, by its extension.
public enum MediaType {
    static let table: [String: String] = [
        "xml": "text/xml", "xades": "text/xml", "gml": "application/gml+xml", "pdf": "application/pdf",
        "txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "tif": "image/tiff", "tiff": "image/tiff",
        "gif": "image/gif", "bmp": "image/bmp", "svg": "image/svg+xml",
        "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "rtf": "application/rtf", "zip": "application/zip", "7z": "application/x-7z-compressed",
        "json": "application/json", "p7s": "application/pkcs7-signature", "sig": "application/pkcs7-signature",
    ]

    /// `application/octet-stream` when the extension is unknown.
    public static func guess(fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: ".") else { return "application/octet-stream" }
        return table[fileName[fileName.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
