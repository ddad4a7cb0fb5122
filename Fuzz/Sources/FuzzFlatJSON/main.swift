import FuzzSupport
import Station

fuzz { input in
    guard let fields = FlatJSON.parse(Array(input)) else { return }
    // Every key is a String (from valid or replaced UTF-8); no value is empty-keyed twice.
    precondition(Set(fields.keys).count == fields.count)
}
