import { DescribeImagesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { GetParametersCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { ImageLookup } from "../setup/check-pool-images.js";

/**
 * The image check's lookups over the real clients. GetParameters (not GetParameter) because that is the
 * right the stack already grants on exactly the pools' parameters for `resolve:ssm:` launches
 * (infra/lib/fleet-policy.ts); a missing name comes back in InvalidParameters, not as an error.
 * DescribeImages by id: EC2 answers InvalidAMIID.NotFound for an image that is gone, and may still list a
 * recently deregistered one with state `deregistered`, or list nothing
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html).
 */
export function createImageLookup(clients: { ec2: EC2Client; ssm?: SSMClient }): ImageLookup {
  return {
    async parameter(name) {
      if (!clients.ssm) throw new Error("no SSM client is configured in this process");
      const out = await clients.ssm.send(new GetParametersCommand({ Names: [name] }));
      return out.Parameters?.find((p) => p.Name === name || p.ARN === name)?.Value;
    },
    async image(imageId) {
      try {
        const out = await clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
        const image = out.Images?.find((i) => i.ImageId === imageId);
        return image
          ? { state: image.State ?? "unknown", architecture: image.Architecture ?? "unknown" }
          : undefined;
      } catch (error) {
        if ((error as { name?: string }).name === "InvalidAMIID.NotFound") return undefined;
        throw error;
      }
    },
  };
}
