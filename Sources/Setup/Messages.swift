import Localization

/// This module's sentences for IT staff, from its messages.json.
let messages = MessageCatalog(json: PackageResources.messages_json)
