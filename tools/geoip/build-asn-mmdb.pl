#!/usr/bin/perl
# Builds an ASN database in the GeoLite2-ASN layout (autonomous_system_number,
# autonomous_system_organization) from ip-location-db's ASN CSV files (one line per inclusive
# address range: first,last,asn,organisation). Every range of every file is written; IPv4
# ranges are also reachable through the IPv4-mapped and 6to4 IPv6 prefixes, as in MaxMind's
# own files.
#   build-asn-mmdb.pl OUT.mmdb asn-ipv4.csv asn-ipv6.csv
# Prints the number of ranges written (and of lines skipped as malformed) on stderr.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

die "usage: $0 OUT.mmdb CSV...\n" unless @ARGV >= 2;
my ($out, @inputs) = @ARGV;

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => 'netlens-ASN',
    languages             => ['en'],
    description           => { en => 'ASN ranges (GeoLite2-ASN layout) built by netlens from ip-location-db/asn: RouteViews, NRO, DB-IP (CC BY 4.0)' },
    map_key_type_callback => sub {
        my $key = shift;
        return $key eq 'autonomous_system_number' ? 'uint32' : 'utf8_string';
    },
    alias_ipv6_to_ipv4       => 1,
    remove_reserved_networks => 0,
    merge_strategy           => 'none',
);

# One CSV field: plain, or quoted with "" for a quote inside.
sub fields {
    my $line = shift;
    my @f;
    while (length $line) {
        if ($line =~ s/^"((?:[^"]|"")*)"(?:,|$)//) {
            (my $v = $1) =~ s/""/"/g;
            push @f, $v;
        } elsif ($line =~ s/^([^,]*)(?:,|$)//) {
            push @f, $1;
        } else {
            last;
        }
    }
    return @f;
}

my ($ranges, $skipped) = (0, 0);
for my $file (@inputs) {
    open(my $in, '<:encoding(UTF-8)', $file) or die "$file: $!\n";
    while (my $line = <$in>) {
        $line =~ s/\r?\n$//;
        next if $line eq '';
        my ($first, $last, $asn, $org) = fields($line);
        if (!defined $org || $asn !~ /^\d+$/ || $asn > 4294967295) {
            ++$skipped;
            next;
        }
        my %record = (autonomous_system_number => $asn + 0);
        $record{autonomous_system_organization} = $org if $org ne '';
        my $ok = eval { $tree->insert_range($first, $last, \%record); 1 };
        if ($ok) { ++$ranges } else { ++$skipped; warn "$file: $first-$last: $@" if $skipped <= 5 }
    }
    close $in;
}
open(my $fh, '>:raw', "$out.tmp") or die "$out.tmp: $!\n";
$tree->write_tree($fh);
close $fh or die "$out.tmp: $!\n";
rename("$out.tmp", $out) or die "$out: $!\n";
print STDERR "ranges: $ranges skipped: $skipped\n";
