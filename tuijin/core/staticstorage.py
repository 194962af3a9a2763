"""Static files in production: hashed names and compressed copies (WhiteNoise), tolerant of the
vendor packages' dangling references.

`@tabler/core`'s npm package ships CSS that names source maps and a few images it does not
include. Django's manifest storage refuses the whole collection over such a reference, and then
every page fails ("Missing staticfiles manifest entry"). A reference to a file that is absent
is left as written (a browser asking for it gets a 404, as it would from the package itself);
every file that exists is still hashed and referenced by its hashed name.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class VendorTolerantStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name, hashed_files, *args, **kwargs):
        convert = super().url_converter(name, hashed_files, *args, **kwargs)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:  # the referenced file is not in the package
                return matchobj.group(0)

        return converter
