import { Ec2ApiError, malformed } from "../api-error.js";
import type { ActionHandler } from "../context.js";
import { type FilterFields, matchesFilters, parseFilters } from "../filters.js";
import type { EmulatedImage } from "../images.js";
import { paginate } from "../pagination.js";
import { children, tagSet } from "../xml.js";

const AMI = /^ami-[0-9a-f]{8,17}$/;

const FIELDS: FilterFields<EmulatedImage> = {
  architecture: (i) => i.architecture,
  "image-id": (i) => i.imageId,
  "image-type": () => "machine",
  "is-public": (i) => String(i.isPublic),
  name: (i) => i.name,
  "owner-id": (i) => i.ownerId,
  state: (i) => i.state,
};

/**
 * DescribeImages: ImageId.N and/or Filter.N, Owner.N (self, amazon or account ids), MaxResults 5–1000
 * with NextToken (not with ImageId). An unknown id is InvalidAMIID.NotFound, an ill-formed one
 * InvalidAMIID.Malformed. https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html
 */
export const describeImages: ActionHandler = (q, ctx) => {
  const ids = q.strings("ImageId");
  for (const id of ids) if (!AMI.test(id)) throw malformed("InvalidAMIID.Malformed", id, "ami");
  if (ids.length > 0 && q.int("MaxResults") !== undefined) {
    throw new Ec2ApiError(
      "InvalidParameterCombination",
      "The parameter imageIdsSet cannot be used with the parameter maxResults",
    );
  }
  const filters = parseFilters(q, Object.keys(FIELDS).concat("tag-key", "tag-value"));
  const owners = q.strings("Owner").map((o) => (o === "self" ? ctx.options.accountId : o));
  const missing = ids.filter((id) => !ctx.images.find(id));
  if (missing.length > 0) {
    throw new Ec2ApiError(
      "InvalidAMIID.NotFound",
      missing.length === 1
        ? `The image id '[${missing[0]}]' does not exist`
        : `The image ids '[${missing.join(", ")}]' do not exist`,
    );
  }
  const candidates = ids.length > 0 ? [...new Set(ids)].map((id) => ctx.images.find(id)!) : ctx.images.all();
  const matching = candidates.filter(
    (i) =>
      (owners.length === 0 ||
        owners.includes(i.ownerId) ||
        (owners.includes("amazon") && i.ownerId === "amazon")) &&
      matchesFilters(i, filters, FIELDS),
  );
  // MaxResults cannot come with ids, so a listing by id is one page.
  if (ids.length > 0) return children({ imagesSet: matching.map(imageXml) });
  const { page, nextToken } = paginate(q, matching, (i) => i.order, { min: 5, max: 1000 });
  return children({ imagesSet: page.map(imageXml), nextToken });
};

function imageXml(i: EmulatedImage) {
  return {
    imageId: i.imageId,
    imageLocation: `${i.ownerId}/${i.name}`,
    imageState: i.state,
    imageOwnerId: i.ownerId,
    creationDate: new Date(0),
    isPublic: i.isPublic,
    architecture: i.architecture,
    imageType: "machine",
    name: i.name,
    rootDeviceType: "ebs",
    rootDeviceName: "/dev/xvda",
    virtualizationType: "hvm",
    hypervisor: "xen",
    enaSupport: true,
    platformDetails: "Linux/UNIX",
    usageOperation: "RunInstances",
    tagSet: tagSet(i.tags),
  };
}
