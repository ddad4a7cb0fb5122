import CAdES
import CMS
import FuzzSupport

// What CAdES.addSignature reads of an existing signature (PEM or DER/BER).
fuzz { input in
    let bytes = Array(input)
    for candidate in [bytes, (try? CAdES.unarmor(bytes)) ?? []] {
        guard let signed = try? SignedData(contentInfo: candidate) else { continue }
        for info in signed.parsedSignerInfos() { _ = info }
        _ = try? signed.serialize()
    }
}
